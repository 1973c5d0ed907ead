// testsigma-tm-emulator: a local, independent implementation of the Test Management API contract.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEFAULT_MAX_BODY_BYTES } from './body.js';
import { systemClock } from './clock.js';
import { FaultInjector } from './faults.js';
import { newToken } from './ids.js';
import { RequestLog } from './log.js';
import { loadDataFile, saveDataFile } from './persist.js';
import { RateLimiter } from './ratelimit.js';
import { buildStoreData } from './seed.js';
import { BASE_PATH, createRequestListener } from './server.js';
import { Store } from './store.js';
import type { EmulatorHandle, EmulatorOptions, EmulatorState, PaginationMode } from './types.js';

export type * from './types.js';
export { DEMO_FACTS, DEMO_SEED } from './demo-seed.js';
export { seedId } from './ids.js';
export { normalizeFaults } from './faults.js';
export { buildStoreData, SeedError } from './seed.js';
export { BASE_PATH } from './server.js';

function checkOptions(options: EmulatorOptions): void {
  const { port, token, pagination, maxBodyBytes } = options;
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) {
    throw new TypeError(`port must be an integer from 0 to 65535; received ${String(port)}`);
  }
  if (token !== undefined && !/^\S+$/.test(token)) throw new TypeError('token must be a non-empty string without spaces');
  if (pagination !== undefined && pagination !== 'cursor' && pagination !== 'url') {
    throw new TypeError(`pagination must be 'cursor' or 'url'; received ${String(pagination)}`);
  }
  if (maxBodyBytes !== undefined && (!Number.isInteger(maxBodyBytes) || maxBodyBytes < 1)) {
    throw new TypeError(`maxBodyBytes must be a positive integer; received ${String(maxBodyBytes)}`);
  }
}

function checkMode(mode: PaginationMode): PaginationMode {
  if (mode !== 'cursor' && mode !== 'url') throw new TypeError(`pagination must be 'cursor' or 'url'; received ${String(mode)}`);
  return mode;
}

/** Starts an emulator and resolves once it is listening. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<EmulatorHandle> {
  checkOptions(options);
  const { dataFile } = options;
  const seedData = buildStoreData(options.seed ?? 'demo');
  const loaded = dataFile === undefined ? null : loadDataFile(dataFile);
  const store = new Store(seedData, loaded ?? seedData, dataFile === undefined ? undefined : (data) => saveDataFile(dataFile, data));
  if (dataFile !== undefined && loaded === null) store.save();

  const token = options.token ?? newToken();
  const faults = new FaultInjector(options.faults);
  const limiter = new RateLimiter(options.rateLimit);
  const log = new RequestLog();
  const settings = { pagination: checkMode(options.pagination ?? 'cursor'), maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES };
  let origin = '';

  const state = (): EmulatorState => ({ ...store.snapshot(), ...log.snapshot() });
  const reset = (): void => {
    store.reset();
    log.clear();
    limiter.clear();
  };
  const admin = {
    state,
    reset,
    setFaults: (f: unknown) => faults.set(f),
    faults: () => faults.snapshot(),
    setPagination: (mode: PaginationMode) => {
      settings.pagination = checkMode(mode);
    },
    setRateLimit: (r: Parameters<EmulatorHandle['setRateLimit']>[0]) => limiter.set(r),
    info: () => ({
      url: `${origin}${BASE_PATH}`,
      web: `${origin}/`,
      pagination: settings.pagination,
      endpoints: [
        'GET /__emulator/state',
        'POST /__emulator/reset',
        'GET|PUT|DELETE /__emulator/faults',
        'PUT /__emulator/pagination',
        'PUT /__emulator/rate-limit',
      ],
    }),
  };

  const server = createServer(
    createRequestListener({ store, token, faults, limiter, log, clock: options.clock ?? systemClock, settings, origin: () => origin, admin }),
  );
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  // A wildcard listen address is not something a client can connect to; hand out loopback instead.
  const urlHost = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '[::1]' : host.includes(':') ? `[${host}]` : host;
  origin = `http://${urlHost}:${port}`;

  return {
    url: `${origin}${BASE_PATH}`,
    origin,
    port,
    token,
    state,
    reset,
    setFaults: admin.setFaults,
    setPagination: admin.setPagination,
    setRateLimit: admin.setRateLimit,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
