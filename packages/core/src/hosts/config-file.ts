/**
 * The config file, a settings source below the environment: `testsigma-tm.config.json` in the working
 * directory, else the `testsigma` key of its package.json. Keys are the reporter option names. Reading it is
 * I/O, so it lives with the hosts; what it means is the settings resolver's.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError } from '../errors.js';
import type { ConfigFile } from '../settings/index.js';

const CONFIG_FILE_NAME = 'testsigma-tm.config.json';

export async function loadConfigFile(cwd: string): Promise<ConfigFile | undefined> {
  const own = await readJson(path.join(cwd, CONFIG_FILE_NAME));
  if (own !== undefined) return { path: CONFIG_FILE_NAME, values: asObject(own, CONFIG_FILE_NAME) };
  const pkg = await readJson(path.join(cwd, 'package.json'));
  const section = isObject(pkg) ? pkg.testsigma : undefined;
  if (section === undefined) return undefined;
  return { path: 'package.json#testsigma', values: asObject(section, 'package.json#testsigma') };
}

async function readJson(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ConfigError('CONFIG_INVALID', `${path.basename(file)} is not valid JSON: ${(error as Error).message}. Fix it or remove it.`, { cause: error });
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asObject(value: unknown, where: string): Record<string, unknown> {
  if (!isObject(value)) throw new ConfigError('CONFIG_INVALID', `${where}: expected an object of settings such as { "projectId": "Demo" }.`);
  return value;
}
