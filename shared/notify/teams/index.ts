/** Microsoft Teams through a Workflows webhook, with an Adaptive Card. */
export { renderTeamsMessage, TEAMS_MAX_BYTES, type TeamsMessage } from './card.ts';
export {
  classifyTeamsAnswer,
  TeamsNotifier,
  type TeamsNotifierOptions,
} from './teams-notifier.ts';
