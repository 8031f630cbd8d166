import type { MessageAttributeValue, PublishCommandInput } from '@aws-sdk/client-sns';
import type { MonitorEvent } from '../../events/types.ts';
import type { Notification, NotificationContext } from '../notifier.ts';
import { emailOf, smsOf, subjectOf } from './message-text.ts';

/**
 * The JSON form of a notification: the `default`, `sqs`, `lambda` and `https` messages (an SQS
 * subscriber finds it in the envelope's `Message`, or as the body with raw delivery; a Lambda in
 * `Records[0].Sns.Message`). Version 1: fields are only ever added.
 */
export interface SnsEventMessage {
  readonly version: 1;
  /** The recorded event, as the store holds it (docs/events.md); facts `{}` when omitted. */
  readonly event: Omit<MonitorEvent, 'facts'> & { readonly facts: object };
  readonly context: NotificationContext;
  /** Present when the event's facts were left out (`event.facts` is `{}`) to fit SNS's size limit. */
  readonly factsOmitted?: true;
}

/** One message per SNS protocol (`MessageStructure: 'json'`); `default` serves every other protocol. */
export interface SnsMessageForms {
  readonly default: string;
  readonly email: string;
  readonly sms: string;
  readonly sqs: string;
  readonly lambda: string;
  readonly https: string;
}

/** The message attributes subscribers filter on (String values). */
export const ATTRIBUTE_NAMES = ['cluster', 'eventType', 'severity', 'incidentAction'] as const;

/** SNS takes 256 KiB for the message and its attributes; this leaves room for the attributes. */
export const MAX_MESSAGE_BYTES = 256 * 1024 - 4 * 1024;

/** FIFO topics end in `.fifo`. */
export function isFifoTopic(topicArn: string): boolean {
  return topicArn.endsWith('.fifo');
}

function forms(event: MonitorEvent, context: NotificationContext, factsOmitted: boolean): SnsMessageForms {
  const message: SnsEventMessage = factsOmitted
    ? { version: 1, event: { ...event, facts: {} }, context, factsOmitted: true }
    : { version: 1, event, context };
  const json = JSON.stringify(message);
  return {
    default: json,
    email: emailOf(event, context),
    sms: smsOf(event),
    sqs: json,
    lambda: json,
    https: json,
  };
}

/** `Message` for `MessageStructure: 'json'`, the facts left out when the whole would be too large. */
export function messageOf(notification: Notification): string {
  const { event, context } = notification;
  const full = JSON.stringify(forms(event, context, false));
  if (Buffer.byteLength(full, 'utf8') <= MAX_MESSAGE_BYTES) return full;
  return JSON.stringify(forms(event, context, true));
}

function text(value: string): MessageAttributeValue {
  return { DataType: 'String', StringValue: value };
}

/** `cluster`, `eventType`, `severity`, and `incidentAction` when set. */
export function attributesOf(event: MonitorEvent): Record<string, MessageAttributeValue> {
  return {
    cluster: text(event.cluster),
    eventType: text(event.type),
    severity: text(event.severity),
    ...(event.incidentAction ? { incidentAction: text(event.incidentAction) } : {}),
  };
}

/**
 * The Publish request of a notification. On a FIFO topic, messages of one cluster keep their order
 * (`MessageGroupId` = cluster) and a redelivered event is dropped (`MessageDeduplicationId` = id).
 */
export function buildPublishInput(notification: Notification, topicArn: string): PublishCommandInput {
  const { event } = notification;
  return {
    TopicArn: topicArn,
    Subject: subjectOf(event),
    MessageStructure: 'json',
    Message: messageOf(notification),
    MessageAttributes: attributesOf(event),
    ...(isFifoTopic(topicArn) ? { MessageGroupId: event.cluster, MessageDeduplicationId: event.id } : {}),
  };
}
