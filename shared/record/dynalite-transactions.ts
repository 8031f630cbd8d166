import { EventEmitter } from 'node:events';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { crc32 } from 'node:zlib';

/**
 * TransactWriteItems for dynalite, which lacks it (architect/dynalite#151). Installed on dynalite's
 * server before it listens: every request then runs one at a time, and a transaction runs as dynalite's
 * own PutItem/UpdateItem/DeleteItem calls, in order, each with its condition; if any condition fails,
 * the items already written are put back as they were and the answer is DynamoDB's
 * TransactionCanceledException with one cancellation reason per item. Since nothing else runs
 * meanwhile, other clients see all of a transaction or none of it.
 * Limits: atomic against other requests, not against a crash of the process in the middle of one
 * (the writes are separate LevelDB writes); no ClientRequestToken idempotency; one-process scale.
 */
export function installTransactWriteItems(server: Server): void {
  const [dynamo] = server.listeners('request') as Handler[];
  if (!dynamo || server.listening) throw new Error('install TransactWriteItems on a new dynalite server');
  server.removeAllListeners('request');
  let queue: Promise<void> = Promise.resolve();
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    req.on('error', () => res.destroy());
    const turn = queue.then(() => serve(dynamo, req, res));
    queue = turn.catch(() => {});
  });
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
type Json = Record<string, unknown>;
interface Reply {
  readonly status: number;
  readonly body: Json;
}

const TARGET = 'DynamoDB_20120810.';
const MAX_ITEMS = 100;
const INTERNAL = 'com.amazonaws.dynamodb.v20120810#InternalServerError';

async function serve(dynamo: Handler, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.headers['x-amz-target'] !== `${TARGET}TransactWriteItems`) {
    const done = new Promise<void>((resolve) => {
      res.once('close', resolve);
      res.once('finish', resolve);
    });
    dynamo(req, res);
    return done;
  }
  let reply: Reply;
  try {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    reply = await transact(dynamo, JSON.parse(Buffer.concat(chunks).toString('utf8')) as Json);
  } catch (error) {
    reply = failure(INTERNAL, String(error), 500);
  }
  const text = JSON.stringify(reply.body);
  res.statusCode = reply.status;
  res.setHeader('Content-Type', 'application/x-amz-json-1.0');
  res.setHeader('x-amz-crc32', crc32(text));
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}

type Kind = 'Put' | 'Update' | 'Delete' | 'ConditionCheck';
interface Operation {
  readonly kind: Kind;
  readonly params: Json;
  readonly key: Json;
  /** The item as it was before the transaction (undefined: none). */
  readonly before: Json | undefined;
}

async function transact(dynamo: Handler, request: Json): Promise<Reply> {
  const operations = await plan(dynamo, request);
  if (!Array.isArray(operations)) return operations;
  const reasons: Json[] = [];
  const written: Operation[] = [];
  let error: Reply | undefined;
  for (const operation of operations) {
    const outcome = await apply(dynamo, operation);
    if (outcome.status === 200) {
      if (operation.kind !== 'ConditionCheck') written.push(operation);
      reasons.push({ Code: 'None' });
    } else if (String(outcome.body.__type).endsWith('#ConditionalCheckFailedException')) {
      const old =
        operation.params.ReturnValuesOnConditionCheckFailure === 'ALL_OLD' ? operation.before : undefined;
      reasons.push({
        Code: 'ConditionalCheckFailed',
        Message: 'The conditional request failed',
        ...(old ? { Item: old } : {}),
      });
    } else {
      error = outcome;
      break;
    }
  }
  if (error === undefined && reasons.every((reason) => reason.Code === 'None'))
    return { status: 200, body: {} };
  for (const { params, key, before } of written.reverse()) {
    const undo = before
      ? await call(dynamo, 'PutItem', { TableName: params.TableName, Item: before })
      : await call(dynamo, 'DeleteItem', { TableName: params.TableName, Key: key });
    if (undo.status !== 200)
      return failure(INTERNAL, 'rollback failed: the transaction is partly written', 500);
  }
  if (error) return error;
  const codes = reasons.map((reason) => reason.Code).join(', ');
  return {
    status: 400,
    body: {
      __type: 'com.amazonaws.dynamodb.v20120810#TransactionCanceledException',
      Message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${codes}]`,
      CancellationReasons: reasons,
    },
  };
}

/** Validates the request and reads each item's key (from its table's schema) and current value. */
async function plan(dynamo: Handler, request: Json): Promise<Operation[] | Reply> {
  const items = Array.isArray(request.TransactItems) ? (request.TransactItems as Json[]) : [];
  if (items.length < 1 || items.length > MAX_ITEMS) {
    return validation(`TransactItems must have from 1 to ${MAX_ITEMS} items, got ${items.length}`);
  }
  const operations: Operation[] = [];
  const seen = new Set<string>();
  for (const item of items) {
    const kinds = (['Put', 'Update', 'Delete', 'ConditionCheck'] as const).filter((kind) => item?.[kind]);
    const kind = kinds[0];
    if (kinds.length !== 1 || kind === undefined)
      return validation('each TransactItem needs exactly one operation');
    const params = item[kind] as Json;
    const table = await call(dynamo, 'DescribeTable', { TableName: params.TableName });
    if (table.status !== 200) return table;
    const schema = ((table.body.Table as Json).KeySchema ?? []) as { AttributeName: string }[];
    const source = (kind === 'Put' ? params.Item : params.Key) as Json | undefined;
    const key = Object.fromEntries(schema.map(({ AttributeName: name }) => [name, source?.[name]]));
    const id = JSON.stringify([params.TableName, key]);
    if (seen.has(id)) return validation('Transaction request cannot include multiple operations on one item');
    seen.add(id);
    const got = await call(dynamo, 'GetItem', {
      TableName: params.TableName,
      Key: key,
      ConsistentRead: true,
    });
    if (got.status !== 200) return got;
    operations.push({ kind, params, key, before: got.body.Item as Json | undefined });
  }
  return operations;
}

const CONDITION_FIELDS = [
  'ConditionExpression',
  'ExpressionAttributeNames',
  'ExpressionAttributeValues',
] as const;

function apply(dynamo: Handler, { kind, params, key, before }: Operation): Promise<Reply> {
  const { ReturnValuesOnConditionCheckFailure: _, ...rest } = params;
  if (kind === 'Put') return call(dynamo, 'PutItem', rest);
  if (kind === 'Update') return call(dynamo, 'UpdateItem', rest);
  if (kind === 'Delete') return call(dynamo, 'DeleteItem', rest);
  // ConditionCheck: write the item back unchanged under the condition (a bare key, removed after, if none).
  const condition = Object.fromEntries(
    CONDITION_FIELDS.filter((f) => f in params).map((f) => [f, params[f]]),
  );
  const check = call(dynamo, 'PutItem', { TableName: params.TableName, Item: before ?? key, ...condition });
  if (before) return check;
  return check.then(async (reply) => {
    if (reply.status === 200) await call(dynamo, 'DeleteItem', { TableName: params.TableName, Key: key });
    return reply;
  });
}

function validation(message: string): Reply {
  return failure('com.amazon.coral.validate#ValidationException', message, 400);
}

function failure(type: string, message: string, status: number): Reply {
  return { status, body: { __type: type, message } };
}

/** One DynamoDB call through dynalite's own request handler, in process (no socket). */
function call(dynamo: Handler, operation: string, body: Json): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = Object.assign(new EventEmitter(), {
      method: 'POST',
      url: '/',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': `${TARGET}${operation}`,
        'x-amz-date': '20000101T000000Z',
        authorization:
          'AWS4-HMAC-SHA256 Credential=local/20000101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
      },
    });
    let status = 200;
    const res = {
      set statusCode(value: number) {
        status = value;
      },
      get statusCode() {
        return status;
      },
      contentType: '',
      setHeader() {},
      end(text?: string) {
        try {
          resolve({ status, body: text ? (JSON.parse(text) as Json) : {} });
        } catch (error) {
          reject(error);
        }
      },
    };
    dynamo(req as unknown as IncomingMessage, res as unknown as ServerResponse);
    req.emit('data', Buffer.from(JSON.stringify(body)));
    req.emit('end');
  });
}
