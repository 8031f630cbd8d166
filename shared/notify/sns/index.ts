/** The SNS channel: one topic, one message per protocol, attributes for filter policies. */
export { isValidSubject, SUBJECT_MAX_LENGTH, sanitizeSubject } from './ascii.ts';
export { emailOf, SMS_MAX_LENGTH, smsOf, subjectOf } from './message-text.ts';
export { outcomeOfPublishError } from './publish-errors.ts';
export {
  ATTRIBUTE_NAMES,
  attributesOf,
  buildPublishInput,
  isFifoTopic,
  MAX_MESSAGE_BYTES,
  type SnsEventMessage,
  type SnsMessageForms,
} from './publish-input.ts';
export { SnsNotifier, type SnsNotifierOptions } from './sns-notifier.ts';
