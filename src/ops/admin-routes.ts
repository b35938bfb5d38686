// The admin HTTP API: snapshot export/import and reset of one account. Registered only when
// ADMIN_TOKEN is set (unset, /admin/* is an ordinary 404), and every request needs
// `Authorization: Bearer <ADMIN_TOKEN>`. JSON bodies are accepted here and nowhere else.
import type { FastifyError, FastifyInstance } from 'fastify';
import { invalidParameter } from '../errors.js';
import { sendTwilioError } from '../http/error-handler.js';
import { requireBearer } from './bearer.js';
import { snapshotSchema } from './snapshot-format.js';
import type { SnapshotRules } from './snapshot.js';
import { operationsRouteConfig } from './route-config.js';

/** Snapshots hold a whole account: far more than an API request body. */
export const SNAPSHOT_BODY_LIMIT_BYTES = 64 * 1024 * 1024;

const accountParams = {
  type: 'object',
  required: ['AccountSid'],
  properties: { AccountSid: { type: 'string', pattern: '^AC[0-9a-fA-F]{32}$' } },
} as const;

/** What the router guarantees: the validator is off here (below), so the schemas type nothing. */
interface AccountRoute {
  Params: { AccountSid: string };
}

const counts = {
  services: { type: 'integer' },
  custom_operators: { type: 'integer' },
  attachments: { type: 'integer' },
} as const;

const importSummary = { type: 'object', properties: { account_sid: { type: 'string' }, ...counts } } as const;
const resetSummary = {
  type: 'object',
  properties: { account_sid: { type: 'string' }, deleted: { type: 'object', properties: counts } },
} as const;

export interface AdminOptions {
  token: string;
  snapshots: SnapshotRules;
}

export async function adminRoutes(admin: FastifyInstance, { token, snapshots }: AdminOptions): Promise<void> {
  admin.addHook('onRequest', requireBearer(token, 'ADMIN_TOKEN'));
  admin.addContentTypeParser('application/json', { parseAs: 'string' }, admin.getDefaultJsonParser('error', 'error'));
  // The schemas below document the API; the rules check each request themselves, reporting every
  // problem of a snapshot with its path rather than the validator's first error.
  admin.setValidatorCompiler(() => () => true);
  admin.setErrorHandler((error: FastifyError, request, reply) => {
    const refused = error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' ? invalidParameter('Content-Type must be application/json') : error;
    sendTwilioError(refused, request, reply);
  });
  const config = operationsRouteConfig;
  const security = [{ adminToken: [] }];
  const path = '/admin/accounts/:AccountSid';

  admin.get<AccountRoute>(
    `${path}/snapshot`,
    {
      schema: {
        operationId: 'ExportAccountSnapshot',
        tags: ['admin'],
        summary: "The account's services, custom operators and attachments, with their SIDs, versions and dates",
        security,
        params: accountParams,
        response: { 200: snapshotSchema },
      },
      config,
    },
    async (request) => snapshots.export(request.params.AccountSid),
  );

  admin.post<AccountRoute>(
    `${path}/snapshot`,
    {
      schema: {
        operationId: 'ImportAccountSnapshot',
        tags: ['admin'],
        summary: 'Imports a snapshot into the account: all of it, or nothing (409 when a SID or unique name exists)',
        security,
        params: accountParams,
        body: snapshotSchema,
        response: { 200: importSummary },
      },
      bodyLimit: SNAPSHOT_BODY_LIMIT_BYTES,
      config,
    },
    async (request) => snapshots.import(request.body, request.params.AccountSid),
  );

  admin.post<AccountRoute>(
    `${path}/reset`,
    {
      schema: {
        operationId: 'ResetAccount',
        tags: ['admin'],
        summary: "Deletes the account's services, custom operators and attachments (the account and its keys stay)",
        security,
        params: accountParams,
        response: { 200: resetSummary },
      },
      config,
    },
    async (request) => snapshots.reset(request.params.AccountSid),
  );
}
