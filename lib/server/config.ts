/**
 * Server configuration: built-in defaults, overridden by a JSON config file, then by
 * environment variables, then by command-line flags.
 */
import * as fs from 'node:fs';
import { availableParallelism } from 'node:os';
import { DEFAULT_MEMBER_EVENTS_LIMIT } from './channel-service';
import { defaultMaxConnections } from './connection-limits';
import { DEFAULT_INVITE_CONFIG, InviteConfig, parseGatewayAccount, parseInviteConfig } from './invite-config';
import { isLogFormat, isLogLevel, LogFormat, LOG_FORMATS, LogLevel, LOG_LEVELS } from './logger';
import { parseClusterSeeds } from './redis/redis-connection';

export interface AppConfig {
  appId: string;
  /** With a certificate, logins need a SignalingToken; without one, any token is accepted. */
  certificate?: string;
  /** The account of the App ID's SIP gateway (phone calls); else the server-wide `invite.sipGateway`. */
  sipGateway?: string;
}

export interface AppsConfig {
  /** When true, an App ID that is not listed is accepted without a certificate. */
  acceptAnyAppId: boolean;
  apps: AppConfig[];
}

export interface ServerConfig {
  host: string;
  tcpPort: number;
  wsPort: number;
  heartbeatMs: number;
  /** How long a connection may stay without a logged-in (or resumed) session before it is closed. */
  loginTimeoutMs: number;
  resumeWindowMs: number;
  maxFrameBytes: number;
  /** Frames a session keeps for its client until they are acknowledged (count bound). */
  maxKeptFrames: number;
  /** Frames a session keeps for its client until they are acknowledged (byte bound). */
  maxKeptBytes: number;
  /** Requests of a session received but not processed yet (count bound). */
  maxQueuedRequests: number;
  /** Requests of a session received but not processed yet (bound on their bytes). */
  maxQueuedRequestBytes: number;
  logLevel: LogLevel;
  apps: AppsConfig;
  /** Channel messages one user may send per second (all channels together). */
  userChannelMessagesPerSecond: number;
  /** Messages one channel carries per second unless its `_sendmsg_limit` says otherwise. */
  channelMessagesPerSecond: number;
  /** Seconds a channel with attributes outlives its last member unless its `_channel_ttl` says otherwise. */
  defaultChannelTtlSeconds: number;
  /**
   * Largest channel (members, the one joining or leaving included) whose members are told every
   * join and leave (CHANNEL_USER_JOINED / CHANNEL_USER_LEFT); 0 = every channel.
   */
  memberEventsLimit: number;
  /** Largest `ttl` of MSG_INSTANT's options. */
  maxMessageTtlSeconds: number;
  /** How long MSG_PUSH holds a message for an offline peer. */
  pushTtlSeconds: number;
  /** Messages held for offline peers, per App ID. */
  maxHeldMessagesPerApp: number;
  /** Bytes of messages held for offline peers, per App ID. */
  maxHeldBytesPerApp: number;
  /** Messages held for one offline account. */
  maxHeldMessagesPerAccount: number;
  /** User attributes one account may have. */
  maxUserAttrsPerAccount: number;
  /** Bytes (names and values) of one account's user attributes: their JSON answer must fit in a frame. */
  maxUserAttrBytesPerAccount: number;
  /** Bytes (names and values) of the user attributes of every account, online and offline, together. */
  maxUserAttrBytesTotal: number;
  /** Messages held for offline peers, all App IDs together. */
  maxHeldMessagesTotal: number;
  /** Bytes of messages held for offline peers, all App IDs together. */
  maxHeldBytesTotal: number;
  /** Attributes one channel may have (built-ins included). */
  maxAttrsPerChannel: number;
  /** Bytes (names and values) of one channel's attributes. */
  maxAttrBytesPerChannel: number;
  /** Channels of one App ID that have attributes and no members (kept for their TTL). */
  maxIdleAttrChannelsPerApp: number;
  /** Largest `_channel_ttl` a channel may set, in seconds. */
  maxChannelTtlSeconds: number;
  /** Peer-to-peer messages (MSG_INSTANT, MSG_PUSH) one user may send per second; 0 = no limit. */
  userP2pMessagesPerSecond: number;
  /** Invitation timers and the default SIP gateway account. */
  invite: InviteConfig;
  /**
   * The server-wide bound on the bytes clients can make the server keep (attributes, held
   * messages, kept frames, queued requests, partial frames); 0 = no bound. memory-budget.ts.
   */
  memoryBudgetBytes: number;
  /** Client sockets held at once (TCP and WebSocket/HTTP together); by default the open-files limit minus a margin. */
  maxConnections: number;
  /** Client sockets held at once from one source address; 0 = no bound. */
  maxConnectionsPerAddress: number;
  /** Of maxConnections, how many sockets without a session (not logged in yet) may not use. */
  reservedConnections: number;
  /** How long a frame may take to arrive once its first bytes have (a trickled frame is closed). */
  frameTimeoutMs: number;
  /**
   * PEM files of the server's certificate (its chain may follow it) and private key; with both,
   * the TCP listener speaks TLS and the WebSocket one wss:// (tls-credentials.ts).
   */
  tlsCert?: string;
  tlsKey?: string;
  /**
   * `redis://host:port[/db]`: the shared state and the routing of a cluster of nodes live on this
   * Redis (docs/cluster.md). Exclusive with redisCluster; neither = the in-memory single process.
   */
  redis?: string;
  /** `host:port,host:port,...`: the seeds of a Redis Cluster, as `redis` otherwise. */
  redisCluster?: string;
  /** Node processes sharing the ports on this machine (cluster module); 1 = this process alone. Needs redis or redisCluster. */
  workers: number;
  /** How long after a node stops refreshing its liveness its sessions count as offline for the other nodes. */
  nodeTimeoutMs: number;
  /** How long a Redis command may take before the request that needed it fails (code 1002, docs/cluster.md). */
  redisCommandTimeoutMs: number;
  /** `text` (one readable line per event, for a terminal) or `json` (pino JSON lines). */
  logFormat: LogFormat;
  /** The admin HTTP listener's port (metrics, health, admin API); absent = no admin listener. */
  adminPort?: number;
  /** The admin listener's address (loopback unless told otherwise). */
  adminHost: string;
  /** The bearer key the admin API and /metrics want; the admin listener does not start without it. */
  adminKey?: string;
  /** Sessions are also counted per App ID in /metrics (a label per App ID: off for many App IDs). */
  metricsPerAppId: boolean;
  /** How long SIGTERM waits for clients to leave after telling them the server is going away. */
  shutdownDrainMs: number;
}

/** What `new SignalServer(...)` and the config file take: any subset, `apps` also partially. */
export type ServerConfigInput = Partial<Omit<ServerConfig, 'apps' | 'invite'>> & { apps?: Partial<AppsConfig> | AppConfig[]; invite?: Partial<InviteConfig> };

/** The protocol's ceiling; a server may announce less in WELCOME, never more. */
export const PROTOCOL_MAX_FRAME_BYTES = 1024 * 1024;

const DEFAULT_MAX_CONNECTIONS = defaultMaxConnections();

export const DEFAULT_CONFIG: Readonly<ServerConfig> = Object.freeze({
  host: '127.0.0.1',
  tcpPort: 9720,
  wsPort: 9721,
  heartbeatMs: 10000,
  loginTimeoutMs: 10000,
  resumeWindowMs: 60000,
  maxFrameBytes: PROTOCOL_MAX_FRAME_BYTES,
  maxKeptFrames: 10000,
  maxKeptBytes: 8 * 1024 * 1024,
  maxQueuedRequests: 100000,
  maxQueuedRequestBytes: 16 * 1024 * 1024,
  logLevel: 'info' as LogLevel,
  apps: Object.freeze({ acceptAnyAppId: true, apps: [] as AppConfig[] }),
  userChannelMessagesPerSecond: 60,
  channelMessagesPerSecond: 200,
  defaultChannelTtlSeconds: 7200,
  memberEventsLimit: DEFAULT_MEMBER_EVENTS_LIMIT,
  maxMessageTtlSeconds: 7 * 24 * 3600,
  pushTtlSeconds: 24 * 3600,
  maxHeldMessagesPerApp: 100000,
  maxHeldBytesPerApp: 64 * 1024 * 1024,
  maxHeldMessagesPerAccount: 1000,
  maxUserAttrsPerAccount: 1000,
  // Escaped JSON of 64 KiB is at most 6 times as long (a control byte becomes \u00XX): 384 KiB,
  // plus 6 bytes an attribute, fits in one 1 MiB frame with the RPC envelope around it.
  maxUserAttrBytesPerAccount: 64 * 1024,
  maxUserAttrBytesTotal: 256 * 1024 * 1024,
  maxHeldMessagesTotal: 1000000,
  maxHeldBytesTotal: 256 * 1024 * 1024,
  maxAttrsPerChannel: 128,
  maxAttrBytesPerChannel: 64 * 1024,
  maxIdleAttrChannelsPerApp: 10000,
  maxChannelTtlSeconds: 7 * 24 * 3600,
  userP2pMessagesPerSecond: 0,
  invite: DEFAULT_INVITE_CONFIG,
  memoryBudgetBytes: 1024 * 1024 * 1024,
  maxConnections: DEFAULT_MAX_CONNECTIONS,
  maxConnectionsPerAddress: 0,
  reservedConnections: defaultReserve(DEFAULT_MAX_CONNECTIONS),
  frameTimeoutMs: 30000,
  workers: 1,
  nodeTimeoutMs: 10000,
  redisCommandTimeoutMs: 2000,
  logFormat: 'text' as LogFormat,
  adminHost: '127.0.0.1',
  metricsPerAppId: false,
  shutdownDrainMs: 10000,
});

/** A twentieth of the connections, for sockets of logged-in sessions only. */
function defaultReserve(maxConnections: number): number {
  return Math.floor(maxConnections / 20);
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export const USAGE = `Usage: agora-sig-server [options]

Options (each overrides the environment variable named after it, which overrides the config file):
  --host <address>            address to listen on (AGORA_SIG_HOST, default 127.0.0.1)
  --tcp-port <port>           TCP port for native clients (AGORA_SIG_TCP_PORT, default 9720; 0 = any free port)
  --ws-port <port>            WebSocket/HTTP port for browsers (AGORA_SIG_WS_PORT, default 9721; 0 = any free port)
  --config <file>             JSON config file (AGORA_SIG_CONFIG)
  --heartbeat-ms <ms>         heartbeat interval announced to clients (AGORA_SIG_HEARTBEAT_MS, default 10000)
  --login-timeout-ms <ms>     how long a connection may go without logging in (AGORA_SIG_LOGIN_TIMEOUT_MS, default 10000)
  --resume-window-ms <ms>     how long a lost session waits for its client (AGORA_SIG_RESUME_WINDOW_MS, default 60000)
  --log-level <level>         ${LOG_LEVELS.join(' | ')} (AGORA_SIG_LOG_LEVEL, default info)
  --app-ids <list>            comma-separated appId or appId:certificate entries (AGORA_SIG_APP_IDS)
  --accept-any-app-id <bool>  accept App IDs that are not listed, without a certificate
                              (AGORA_SIG_ACCEPT_ANY_APP_ID, default true)
  --sip-gateway <account>     SIP gateway account for phone calls of App IDs naming none
                              (AGORA_SIG_SIP_GATEWAY, default none)
  --member-events-limit <n>   channels of more members than this tell nobody of joins and leaves
                              (AGORA_SIG_MEMBER_EVENTS_LIMIT, default ${DEFAULT_MEMBER_EVENTS_LIMIT}; 0 = no limit)
  --memory-budget-bytes <n>   bound on the bytes clients can make the server keep, all together
                              (AGORA_SIG_MEMORY_BUDGET_BYTES, default 1073741824; 0 = no bound)
  --max-connections <n>       client sockets held at once (AGORA_SIG_MAX_CONNECTIONS, default the
                              open-files limit minus 5 % or 64: ${DEFAULT_MAX_CONNECTIONS} here)
  --max-connections-per-address <n>
                              client sockets from one source address
                              (AGORA_SIG_MAX_CONNECTIONS_PER_ADDRESS, default 0 = no bound)
  --reserved-connections <n>  of those, how many only logged-in sockets may use
                              (AGORA_SIG_RESERVED_CONNECTIONS, default a twentieth)
  --frame-timeout-ms <ms>     how long a started frame may take to arrive
                              (AGORA_SIG_FRAME_TIMEOUT_MS, default 30000)
  --tls-cert <file>           PEM certificate (chain): with --tls-key, TCP speaks TLS and WebSocket wss://
                              (AGORA_SIG_TLS_CERT, default none)
  --tls-key <file>            PEM private key of --tls-cert (AGORA_SIG_TLS_KEY, default none)
  --redis <url>               redis://host:port[/db]: run as one node of a cluster over this Redis
                              (AGORA_SIG_REDIS, default none: everything in this process; docs/cluster.md)
  --redis-cluster <seeds>     host:port,...: the same over a Redis Cluster (AGORA_SIG_REDIS_CLUSTER)
  --workers <n|auto>          node processes sharing the ports, auto = one per core; needs --redis or
                              --redis-cluster (AGORA_SIG_WORKERS, default 1)
  --node-timeout-ms <ms>      how long until the sessions of a node that stopped count as offline
                              (AGORA_SIG_NODE_TIMEOUT_MS, default 10000)
  --redis-command-timeout-ms <ms>  how long a Redis command may take before its request fails with 1002
                              (AGORA_SIG_REDIS_COMMAND_TIMEOUT_MS, default 2000)
  --log-format <format>       text | json (AGORA_SIG_LOG_FORMAT, default text)
  --admin-port <port>         admin HTTP listener: /metrics, /healthz, /readyz, /api
                              (AGORA_SIG_ADMIN_PORT, default none = off; 0 = any free port)
  --admin-host <address>      its address (AGORA_SIG_ADMIN_HOST, default 127.0.0.1)
  --admin-key <key>           the bearer key it wants, at least 16 characters; required with
                              --admin-port (AGORA_SIG_ADMIN_KEY; prefer it or the config file)
  --metrics-per-app-id <bool> count sessions per App ID in /metrics (AGORA_SIG_METRICS_PER_APP_ID, default false)
  --shutdown-drain-ms <ms>    how long SIGTERM waits for clients to leave (AGORA_SIG_SHUTDOWN_DRAIN_MS, default 10000)
  --help                      print this text

See docs/server.md for the config file format.
`;

type Overrides = Partial<Omit<ServerConfig, 'apps' | 'invite'>> & { apps?: Partial<AppsConfig>; invite?: Partial<InviteConfig> };

/** Settings of the config file and of the programmatic configuration. */
const FILE_KEYS: readonly (keyof ServerConfig)[] = [
  'host', 'tcpPort', 'wsPort', 'heartbeatMs', 'loginTimeoutMs', 'resumeWindowMs', 'maxFrameBytes', 'maxKeptFrames',
  'maxKeptBytes', 'maxQueuedRequests', 'maxQueuedRequestBytes', 'logLevel', 'apps', 'userChannelMessagesPerSecond', 'channelMessagesPerSecond',
  'defaultChannelTtlSeconds', 'memberEventsLimit', 'maxMessageTtlSeconds', 'pushTtlSeconds', 'maxHeldMessagesPerApp',
  'maxHeldBytesPerApp', 'maxHeldMessagesPerAccount', 'maxUserAttrsPerAccount', 'invite',
  'memoryBudgetBytes', 'maxUserAttrBytesPerAccount', 'maxUserAttrBytesTotal', 'maxHeldMessagesTotal', 'maxHeldBytesTotal',
  'maxAttrsPerChannel', 'maxAttrBytesPerChannel', 'maxIdleAttrChannelsPerApp', 'maxChannelTtlSeconds', 'userP2pMessagesPerSecond',
  'maxConnections', 'maxConnectionsPerAddress', 'reservedConnections', 'frameTimeoutMs',
  'tlsCert', 'tlsKey', 'redis', 'redisCluster', 'workers', 'nodeTimeoutMs', 'redisCommandTimeoutMs',
  'logFormat', 'adminPort', 'adminHost', 'adminKey', 'metricsPerAppId', 'shutdownDrainMs',
];

/** Settings as flags and environment variables name them; two of them set parts of `apps`. */
type SettingKey = Exclude<keyof ServerConfig, 'apps' | 'invite'> | 'appIds' | 'acceptAnyAppId' | 'sipGateway';

/** The flag, environment variable and config key of each setting that all three sources can set. */
const SETTINGS: readonly { flag: string; env: string; key: SettingKey }[] = [
  { flag: 'host', env: 'AGORA_SIG_HOST', key: 'host' },
  { flag: 'tcp-port', env: 'AGORA_SIG_TCP_PORT', key: 'tcpPort' },
  { flag: 'ws-port', env: 'AGORA_SIG_WS_PORT', key: 'wsPort' },
  { flag: 'heartbeat-ms', env: 'AGORA_SIG_HEARTBEAT_MS', key: 'heartbeatMs' },
  { flag: 'login-timeout-ms', env: 'AGORA_SIG_LOGIN_TIMEOUT_MS', key: 'loginTimeoutMs' },
  { flag: 'resume-window-ms', env: 'AGORA_SIG_RESUME_WINDOW_MS', key: 'resumeWindowMs' },
  { flag: 'log-level', env: 'AGORA_SIG_LOG_LEVEL', key: 'logLevel' },
  { flag: 'app-ids', env: 'AGORA_SIG_APP_IDS', key: 'appIds' },
  { flag: 'accept-any-app-id', env: 'AGORA_SIG_ACCEPT_ANY_APP_ID', key: 'acceptAnyAppId' },
  { flag: 'sip-gateway', env: 'AGORA_SIG_SIP_GATEWAY', key: 'sipGateway' },
  { flag: 'member-events-limit', env: 'AGORA_SIG_MEMBER_EVENTS_LIMIT', key: 'memberEventsLimit' },
  { flag: 'memory-budget-bytes', env: 'AGORA_SIG_MEMORY_BUDGET_BYTES', key: 'memoryBudgetBytes' },
  { flag: 'max-connections', env: 'AGORA_SIG_MAX_CONNECTIONS', key: 'maxConnections' },
  { flag: 'max-connections-per-address', env: 'AGORA_SIG_MAX_CONNECTIONS_PER_ADDRESS', key: 'maxConnectionsPerAddress' },
  { flag: 'reserved-connections', env: 'AGORA_SIG_RESERVED_CONNECTIONS', key: 'reservedConnections' },
  { flag: 'frame-timeout-ms', env: 'AGORA_SIG_FRAME_TIMEOUT_MS', key: 'frameTimeoutMs' },
  { flag: 'tls-cert', env: 'AGORA_SIG_TLS_CERT', key: 'tlsCert' },
  { flag: 'tls-key', env: 'AGORA_SIG_TLS_KEY', key: 'tlsKey' },
  { flag: 'redis', env: 'AGORA_SIG_REDIS', key: 'redis' },
  { flag: 'redis-cluster', env: 'AGORA_SIG_REDIS_CLUSTER', key: 'redisCluster' },
  { flag: 'workers', env: 'AGORA_SIG_WORKERS', key: 'workers' },
  { flag: 'node-timeout-ms', env: 'AGORA_SIG_NODE_TIMEOUT_MS', key: 'nodeTimeoutMs' },
  { flag: 'redis-command-timeout-ms', env: 'AGORA_SIG_REDIS_COMMAND_TIMEOUT_MS', key: 'redisCommandTimeoutMs' },
  { flag: 'log-format', env: 'AGORA_SIG_LOG_FORMAT', key: 'logFormat' },
  { flag: 'admin-port', env: 'AGORA_SIG_ADMIN_PORT', key: 'adminPort' },
  { flag: 'admin-host', env: 'AGORA_SIG_ADMIN_HOST', key: 'adminHost' },
  { flag: 'admin-key', env: 'AGORA_SIG_ADMIN_KEY', key: 'adminKey' },
  { flag: 'metrics-per-app-id', env: 'AGORA_SIG_METRICS_PER_APP_ID', key: 'metricsPerAppId' },
  { flag: 'shutdown-drain-ms', env: 'AGORA_SIG_SHUTDOWN_DRAIN_MS', key: 'shutdownDrainMs' },
];

export interface CommandLine {
  help: boolean;
  configFile?: string;
  /** Raw flag values by flag name (without the leading dashes). */
  values: Map<string, string>;
}

export function parseCommandLine(argv: readonly string[]): CommandLine {
  const known = new Set(['config', ...SETTINGS.map((s) => s.flag)]);
  const values = new Map<string, string>();
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') {
      help = true;
      continue;
    }
    if (!arg.startsWith('--')) throw new ConfigError(`unexpected argument "${arg}" (see --help)`);
    const eq = arg.indexOf('=');
    const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
    if (!known.has(name)) throw new ConfigError(`unknown option --${name} (see --help)`);
    let value: string | undefined;
    if (eq >= 0) value = arg.slice(eq + 1);
    else {
      value = argv[i + 1];
      i++;
    }
    if (value === undefined) throw new ConfigError(`option --${name} needs a value`);
    values.set(name, value);
  }
  return { help, configFile: values.get('config'), values };
}

function parseInteger(source: string, raw: unknown, min: number, max: number): number {
  const value = typeof raw === 'string' && /^\s*-?\d+\s*$/.test(raw) ? Number(raw) : raw;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${source} must be an integer from ${min} to ${max}, got ${JSON.stringify(raw)}`);
  }
  return value;
}

function parseBoolean(source: string, raw: unknown): boolean {
  if (typeof raw === 'boolean') return raw;
  if (typeof raw === 'string') {
    const v = raw.trim().toLowerCase();
    if (['1', 'true', 'yes', 'on'].includes(v)) return true;
    if (['0', 'false', 'no', 'off'].includes(v)) return false;
  }
  throw new ConfigError(`${source} must be true or false, got ${JSON.stringify(raw)}`);
}

function parseAppList(source: string, raw: unknown): AppConfig[] {
  let entries: unknown[];
  if (typeof raw === 'string') {
    // "appId" or "appId:certificate", comma-separated
    entries = raw.split(',').map((s) => s.trim()).filter((s) => s.length > 0).map((s) => {
      const colon = s.indexOf(':');
      return colon < 0 ? { appId: s } : { appId: s.slice(0, colon), certificate: s.slice(colon + 1) };
    });
  } else if (Array.isArray(raw)) {
    entries = raw;
  } else {
    throw new ConfigError(`${source} must be a list of App IDs`);
  }
  return entries.map((entry, i) => {
    const where = `${source}[${i}]`;
    if (typeof entry !== 'object' || entry === null) throw new ConfigError(`${where} must be an object { appId, certificate? }`);
    const e = entry as Record<string, unknown>;
    for (const k of Object.keys(e)) {
      if (k !== 'appId' && k !== 'certificate' && k !== 'sipGateway') throw new ConfigError(`${where} has an unknown key "${k}"`);
    }
    const gateway = e.sipGateway === undefined ? undefined : parseGatewayAccount(`${where}.sipGateway`, e.sipGateway, (m) => new ConfigError(m));
    const withGateway = gateway ? { sipGateway: gateway } : {};
    if (typeof e.appId !== 'string' || !/^[\x21-\x7e]{1,128}$/.test(e.appId)) {
      throw new ConfigError(`${where}.appId must be 1 to 128 visible ASCII characters`);
    }
    if (e.certificate === undefined || e.certificate === '') return { appId: e.appId, ...withGateway };
    if (typeof e.certificate !== 'string' || !/^[\x21-\x7e]{1,128}$/.test(e.certificate)) {
      throw new ConfigError(`${where}.certificate must be 1 to 128 visible ASCII characters`);
    }
    return { appId: e.appId, certificate: e.certificate, ...withGateway };
  });
}

/** `apps` of the config file: { acceptAnyAppId?, apps? }, or just the list. */
function parseApps(source: string, raw: unknown): Partial<AppsConfig> {
  if (Array.isArray(raw)) return { apps: parseAppList(source, raw) };
  if (typeof raw !== 'object' || raw === null) throw new ConfigError(`${source} must be an object { acceptAnyAppId, apps }`);
  const result: Partial<AppsConfig> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (v === undefined) continue;
    if (k === 'acceptAnyAppId') result.acceptAnyAppId = parseBoolean(`${source}.acceptAnyAppId`, v);
    else if (k === 'apps') result.apps = parseAppList(`${source}.apps`, v);
    else throw new ConfigError(`${source} has an unknown key "${k}" (known: acceptAnyAppId, apps)`);
  }
  return result;
}

function merge(base: Overrides, more: Overrides): Overrides {
  const apps = base.apps || more.apps ? { ...base.apps, ...more.apps } : undefined;
  const invite = base.invite || more.invite ? { ...base.invite, ...more.invite } : undefined;
  const merged: Overrides = apps ? { ...base, ...more, apps } : { ...base, ...more };
  if (invite) merged.invite = invite;
  return merged;
}

/** Checks and converts one setting from any source (strings from env/flags, JSON values from the file). */
function parseSetting(key: SettingKey | 'apps' | 'invite', source: string, raw: unknown): Overrides {
  switch (key) {
    case 'host':
      if (typeof raw !== 'string' || raw.trim() === '') throw new ConfigError(`${source} must be a host name or address`);
      return { host: raw.trim() };
    case 'tcpPort':
    case 'wsPort':
      return { [key]: parseInteger(source, raw, 0, 65535) };
    case 'heartbeatMs':
      return { heartbeatMs: parseInteger(source, raw, 100, 3600000) };
    case 'loginTimeoutMs':
      return { loginTimeoutMs: parseInteger(source, raw, 100, 3600000) };
    case 'resumeWindowMs':
      return { resumeWindowMs: parseInteger(source, raw, 0, 86400000) };
    case 'maxFrameBytes':
      return { maxFrameBytes: parseInteger(source, raw, 1024, PROTOCOL_MAX_FRAME_BYTES) };
    case 'maxKeptFrames':
      return { maxKeptFrames: parseInteger(source, raw, 1, 10000000) };
    case 'maxKeptBytes':
      return { maxKeptBytes: parseInteger(source, raw, 1024, 1024 * 1024 * 1024) };
    case 'maxQueuedRequests':
      return { maxQueuedRequests: parseInteger(source, raw, 1, 10000000) };
    case 'maxQueuedRequestBytes':
      return { maxQueuedRequestBytes: parseInteger(source, raw, 1024, 1024 * 1024 * 1024) };
    case 'userChannelMessagesPerSecond':
    case 'channelMessagesPerSecond':
      return { [key]: parseInteger(source, raw, 1, 1000000) };
    case 'defaultChannelTtlSeconds':
    case 'maxMessageTtlSeconds':
    case 'pushTtlSeconds':
      return { [key]: parseInteger(source, raw, 0, 315360000) };
    case 'memberEventsLimit':
    case 'maxHeldMessagesTotal':
    case 'maxAttrsPerChannel':
    case 'maxIdleAttrChannelsPerApp':
    case 'maxHeldMessagesPerApp':
    case 'maxHeldMessagesPerAccount':
    case 'maxUserAttrsPerAccount':
      return { [key]: parseInteger(source, raw, 0, 100000000) };
    case 'maxHeldBytesPerApp':
    case 'maxHeldBytesTotal':
    case 'maxUserAttrBytesTotal':
      return { [key]: parseInteger(source, raw, 0, 64 * 1024 * 1024 * 1024) };
    case 'maxUserAttrBytesPerAccount':
    case 'maxAttrBytesPerChannel':
      return { [key]: parseInteger(source, raw, 0, 1024 * 1024 * 1024) };
    case 'maxChannelTtlSeconds':
      return { maxChannelTtlSeconds: parseInteger(source, raw, 0, 315360000) };
    case 'userP2pMessagesPerSecond':
      return { userP2pMessagesPerSecond: parseInteger(source, raw, 0, 1000000) };
    case 'memoryBudgetBytes':
      return { memoryBudgetBytes: parseInteger(source, raw, 0, 1024 * 1024 * 1024 * 1024) };
    case 'maxConnections':
      return { maxConnections: parseInteger(source, raw, 1, 100000000) };
    case 'maxConnectionsPerAddress':
    case 'reservedConnections':
      return { [key]: parseInteger(source, raw, 0, 100000000) };
    case 'frameTimeoutMs':
      return { frameTimeoutMs: parseInteger(source, raw, 100, 3600000) };
    case 'tlsCert':
    case 'tlsKey':
      // Read and checked as a pair when the server starts (tls-credentials.ts).
      if (typeof raw !== 'string' || raw.trim() === '') throw new ConfigError(`${source} must be a file name`);
      return { [key]: raw.trim() };
    case 'redis':
      return { redis: parseRedisUrl(source, raw) };
    case 'redisCluster':
      if (typeof raw !== 'string') throw new ConfigError(`${source} must be host:port,host:port,...`);
      try {
        parseClusterSeeds(raw);
      } catch (e) {
        throw new ConfigError(`${source} must be host:port,host:port,...: ${(e as Error).message}`);
      }
      return { redisCluster: raw.trim() };
    case 'workers':
      if (raw === 'auto' || (typeof raw === 'string' && raw.trim() === 'auto')) return { workers: availableParallelism() };
      return { workers: parseInteger(`${source} (a number or auto)`, raw, 1, 1024) };
    case 'nodeTimeoutMs':
      return { nodeTimeoutMs: parseInteger(source, raw, 300, 3600000) };
    case 'redisCommandTimeoutMs':
      return { redisCommandTimeoutMs: parseInteger(source, raw, 50, 600000) };
    case 'logFormat':
      if (typeof raw !== 'string' || !isLogFormat(raw.trim())) {
        throw new ConfigError(`${source} must be one of ${LOG_FORMATS.join(', ')}, got ${JSON.stringify(raw)}`);
      }
      return { logFormat: raw.trim() as LogFormat };
    case 'adminPort':
      return { adminPort: parseInteger(source, raw, 0, 65535) };
    case 'adminHost':
      if (typeof raw !== 'string' || raw.trim() === '') throw new ConfigError(`${source} must be a host name or address`);
      return { adminHost: raw.trim() };
    case 'adminKey':
      // A short key could be guessed over the network; it is compared in constant time (ops/admin-auth.ts).
      if (typeof raw !== 'string' || !/^[\x21-\x7e]{16,256}$/.test(raw)) {
        throw new ConfigError(`${source} must be 16 to 256 visible ASCII characters`);
      }
      return { adminKey: raw };
    case 'metricsPerAppId':
      return { metricsPerAppId: parseBoolean(source, raw) };
    case 'shutdownDrainMs':
      return { shutdownDrainMs: parseInteger(source, raw, 0, 3600000) };
    case 'logLevel':
      if (typeof raw !== 'string' || !isLogLevel(raw.trim())) {
        throw new ConfigError(`${source} must be one of ${LOG_LEVELS.join(', ')}, got ${JSON.stringify(raw)}`);
      }
      return { logLevel: raw.trim() as LogLevel };
    case 'acceptAnyAppId':
      return { apps: { acceptAnyAppId: parseBoolean(source, raw) } };
    case 'appIds':
      return { apps: { apps: parseAppList(source, raw) } };
    case 'apps':
      return { apps: parseApps(source, raw) };
    case 'invite':
      return { invite: parseInviteConfig(source, raw, (m) => new ConfigError(m)) };
    case 'sipGateway':
      return { invite: { sipGateway: parseGatewayAccount(source, raw, (m) => new ConfigError(m)) } };
  }
}

/** `redis://` or `rediss://`, a host, a port, at most a database number as the path. */
function parseRedisUrl(source: string, raw: unknown): string {
  const text = typeof raw === 'string' ? raw.trim() : '';
  let url: URL | null = null;
  try {
    url = new URL(text);
  } catch {
    url = null;
  }
  const problem =
    url === null ? 'not a URL'
    : url.protocol !== 'redis:' && url.protocol !== 'rediss:' ? `the scheme is ${url.protocol} rather than redis: or rediss:`
    : url.hostname === '' ? 'no host'
    : !/^(\/\d{0,5})?$/.test(url.pathname) ? `the path ${url.pathname} is not a database number`
    : null;
  if (problem !== null) throw new ConfigError(`${source} must be redis://host:port[/db], got ${JSON.stringify(raw)}: ${problem}`);
  return text;
}

export function readConfigFile(file: string): Overrides {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(`cannot read config file ${file}: ${(e as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`config file ${file} is not valid JSON: ${(e as Error).message}`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new ConfigError(`config file ${file} must hold a JSON object`);
  }
  let result: Overrides = {};
  for (const [k, v] of Object.entries(json)) {
    if (!(FILE_KEYS as readonly string[]).includes(k)) {
      throw new ConfigError(`config file ${file}: unknown key "${k}" (known: ${FILE_KEYS.join(', ')})`);
    }
    result = merge(result, parseSetting(k as keyof ServerConfig, `${file}: ${k}`, v));
  }
  return result;
}

/** Fills in defaults and checks a programmatic configuration (as given to `new SignalServer`). */
export function resolveConfig(input: ServerConfigInput = {}): ServerConfig {
  let overrides: Overrides = {};
  for (const [k, v] of Object.entries(input)) {
    if (v === undefined) continue;
    if (!(FILE_KEYS as readonly string[]).includes(k)) throw new ConfigError(`unknown setting "${k}"`);
    overrides = merge(overrides, parseSetting(k as keyof ServerConfig, k, v));
  }
  const { apps, invite, ...rest } = overrides;
  const maxConnections = rest.maxConnections ?? DEFAULT_CONFIG.maxConnections;
  const reservedConnections = rest.reservedConnections ?? defaultReserve(maxConnections);
  if (rest.redis !== undefined && rest.redisCluster !== undefined) {
    throw new ConfigError('redis and redisCluster exclude each other: give one Redis or one Redis Cluster');
  }
  if ((rest.workers ?? 1) > 1 && rest.redis === undefined && rest.redisCluster === undefined) {
    throw new ConfigError(`workers ${rest.workers} needs redis or redisCluster: separate processes share their state only through Redis (docs/cluster.md)`);
  }
  if (reservedConnections >= maxConnections) {
    throw new ConfigError(`reservedConnections (${reservedConnections}) must be below maxConnections (${maxConnections})`);
  }
  if (rest.adminPort !== undefined && rest.adminKey === undefined) {
    throw new ConfigError('the admin listener (adminPort) needs a bearer key: set adminKey (--admin-key, AGORA_SIG_ADMIN_KEY)');
  }
  return {
    ...DEFAULT_CONFIG,
    ...rest,
    reservedConnections,
    invite: { ...DEFAULT_CONFIG.invite, ...invite },
    apps: {
      acceptAnyAppId: apps?.acceptAnyAppId ?? DEFAULT_CONFIG.apps.acceptAnyAppId,
      apps: apps?.apps ?? [...DEFAULT_CONFIG.apps.apps],
    },
  };
}

/**
 * The configuration of a server started from the command line: defaults < config file
 * (--config or AGORA_SIG_CONFIG) < environment variables < flags.
 */
export function loadConfig(argv: readonly string[] = process.argv.slice(2), env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const commandLine = parseCommandLine(argv);
  const configFile = commandLine.configFile ?? (env.AGORA_SIG_CONFIG || undefined);
  let overrides: Overrides = configFile ? readConfigFile(configFile) : {};
  for (const setting of SETTINGS) {
    const raw = env[setting.env];
    if (raw !== undefined && raw !== '') overrides = merge(overrides, parseSetting(setting.key, setting.env, raw));
  }
  for (const setting of SETTINGS) {
    const raw = commandLine.values.get(setting.flag);
    if (raw !== undefined) overrides = merge(overrides, parseSetting(setting.key, `--${setting.flag}`, raw));
  }
  return resolveConfig(overrides);
}
