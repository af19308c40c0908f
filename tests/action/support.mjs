// Shared fixtures for the action tests: where things are, a temp copy of the
// action around the freshly built binary, the fake Cloudflare API and the
// isolated environment wrangler runs in (as in tests/e2e/end_to_end_test.cc).
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const CFDEPLOY = process.env.CFDEPLOY_BINARY || path.join(ROOT, 'build/src/cfdeploy');
export const FAKE_CLOUDFLARE = process.env.FAKE_CLOUDFLARE || path.join(ROOT, 'build/tests/fake_api/fake_cloudflare');
export const NODE_DIR = process.env.CFDEPLOY_NODE_DIR || path.dirname(process.execPath);
export const WRANGLER = path.join(ROOT, 'tests/wrangler/node_modules/.bin/wrangler');
export const TOKEN = 'action-test-token-that-must-never-leak-0123456789';
export const ACCOUNT = '0123456789abcdef0123456789abcdef';

export const fixture = (...parts) => path.join(ROOT, 'tests/fixtures', ...parts);

// A fresh temp dir, removed when the test ends.
export function tempDir(t, prefix = 'cfdeploy-action-') {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export function requireFile(file, hint) {
  if (!existsSync(file)) throw new Error(`${file} is missing: ${hint}`);
  return file;
}

export const sha256 = (file) => createHash('sha256').update(readFileSync(file)).digest('hex');

// action.yml plus dist/ holding the current build as cfdeploy-linux-x64, with
// a matching SHA256SUMS, so the checksum path runs against this build.
export function copyAction(dir) {
  requireFile(CFDEPLOY, 'build cfdeploy first (cmake --build build) or set CFDEPLOY_BINARY');
  const action = path.join(dir, 'action');
  mkdirSync(path.join(action, 'dist'), { recursive: true });
  copyFileSync(path.join(ROOT, 'action.yml'), path.join(action, 'action.yml'));
  const binary = path.join(action, 'dist/cfdeploy-linux-x64');
  copyFileSync(CFDEPLOY, binary);
  writeFileSync(path.join(action, 'dist/SHA256SUMS'), `${sha256(binary)}  cfdeploy-linux-x64\n`);
  return action;
}

// Starts fake_cloudflare on a kernel-chosen loopback port with the rules of a
// scenario in tests/fixtures/scenarios (or of a .json file); stopped when the
// test ends.
export async function startFakeApi(t, scenario, dir) {
  requireFile(FAKE_CLOUDFLARE, 'build the tests (cmake --build build) or set FAKE_CLOUDFLARE');
  const log = path.join(dir, 'fake-api.jsonl');
  const rules = scenario.endsWith('.json') ? scenario : fixture('scenarios', `${scenario}.json`);
  const child = spawn(FAKE_CLOUDFLARE, ['--rules', rules, '--port', '0', '--log', log], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  t.after(async () => {
    child.kill('SIGTERM');
    await exited;
  });
  const port = await new Promise((resolve, reject) => {
    let text = '';
    child.stdout.on('data', (chunk) => {
      text += chunk;
      const match = text.match(/listening on (\d+)/);
      if (match) resolve(Number(match[1]));
    });
    exited.then((code) => reject(new Error(`fake_cloudflare exited with ${code} before listening`)));
  });
  const requests = () =>
    existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line)) : [];
  return { port, baseUrl: `http://127.0.0.1:${port}/client/v4`, requests };
}

// wrangler's own home, caches and temp dir, its API and update check pointed
// at the fake, telemetry off: nothing leaves 127.0.0.1.
export function isolatedEnv(dir, baseUrl) {
  for (const sub of ['home/.config', 'cache', 'tmp']) mkdirSync(path.join(dir, sub), { recursive: true });
  return {
    PATH: `${NODE_DIR}:/usr/bin:/bin`,
    HOME: path.join(dir, 'home'),
    XDG_CONFIG_HOME: path.join(dir, 'home/.config'),
    CLOUDFLARE_API_BASE_URL: baseUrl,
    CLOUDFLARE_ACCOUNT_ID: ACCOUNT,
    CI: 'true',
    WRANGLER_SEND_METRICS: 'false',
    WRANGLER_SEND_ERROR_REPORTS: 'false',
    CLOUDFLARE_CF_FETCH_ENABLED: 'false',
    WRANGLER_CACHE_DIR: path.join(dir, 'cache'),
    WRANGLER_LOG_PATH: path.join(dir, 'wrangler.log'),
    TMPDIR: path.join(dir, 'tmp'),
    npm_registry: `${baseUrl.replace(/\/client\/v4$/, '')}/npm-registry/`,
  };
}

// A scratch copy of the wrangler project the scenarios are written for.
export function copyProject(dir) {
  const project = path.join(dir, 'project');
  cpSync(fixture('project'), project, { recursive: true });
  return project;
}

// A scratch copy of the built Pages site the pages-deploy scenarios are written for.
export function copyPagesProject(dir) {
  const project = path.join(dir, 'pages-project');
  cpSync(fixture('pages-project'), project, { recursive: true });
  return project;
}
