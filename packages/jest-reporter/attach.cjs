'use strict';
/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS on purpose, see below */
/* global exports */
/**
 * `attach(path, name?)`: a Jest test registers a file (a screenshot, a log, a HAR) to be uploaded with its result.
 *
 *   const { attach } = require('jest-testsigma-tm-reporter/attach'); // or: import { attach } from '...'
 *   test('checkout DEMO-12', async () => { ...; attach('artifacts/checkout.png'); });
 *
 * CommonJS on purpose: Jest loads test files through its own module system, which cannot `require` an ES module
 * on every Node this package supports; an ES module can import this file as well.
 *
 * Jest runs tests in worker processes and the reporter in the main one, so the registry is a directory of files:
 * the reporter's constructor creates a temporary directory and names it in TESTSIGMA_TM_JEST_ATTACHMENTS_DIR
 * (workers inherit the environment); each call appends one JSON line {testPath, testName, path, name} to the
 * worker's own file `<pid>.jsonl` (one writer per file, so lines never interleave). The reporter reads them when
 * the run completes and removes the directory. Without the reporter (the variable unset), or outside a test,
 * `attach` does nothing and returns false: a test never fails because of it.
 *
 * Relative paths are taken from the working directory. The upload sends the files of failed tests by default
 * (setting `attachments`), and only files inside the working directory.
 */
const { appendFileSync } = require('node:fs');
const { basename, join, resolve } = require('node:path');

const ATTACHMENTS_DIR_ENV = 'TESTSIGMA_TM_JEST_ATTACHMENTS_DIR';

function attach(filePath, name) {
  const dir = process.env[ATTACHMENTS_DIR_ENV];
  if (!dir || typeof filePath !== 'string' || filePath === '') return false;
  const expectGlobal = globalThis.expect;
  const state = expectGlobal && typeof expectGlobal.getState === 'function' ? expectGlobal.getState() : undefined;
  if (!state || !state.currentTestName || !state.testPath) return false;
  const path = resolve(filePath);
  const line = { testPath: state.testPath, testName: state.currentTestName, path, name: typeof name === 'string' && name !== '' ? name : basename(path) };
  try {
    appendFileSync(join(dir, `${process.pid}.jsonl`), `${JSON.stringify(line)}\n`);
    return true;
  } catch {
    return false;
  }
}

exports.attach = attach;
exports.ATTACHMENTS_DIR_ENV = ATTACHMENTS_DIR_ENV;
