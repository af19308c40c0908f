// The job summaries for a D1 permission error (from a saved log, and from a real
// wrangler run with the diagnosis after it) and for a stale database_id, rendered
// as GitHub renders Markdown (GFM) and photographed with headless Chromium, so a
// person can see what the job's page will show. The PNGs are left in artifacts/.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { marked } from 'marked';
import {
  ACCOUNT, CFDEPLOY, TOKEN, WRANGLER, copyProject, fixture, isolatedEnv, requireFile, startFakeApi, tempDir,
} from './support.mjs';

const ARTIFACTS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'artifacts');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

// Close to github.com's markdown-body in a job summary card.
const STYLE = `
  body { margin: 0; background: #f6f8fa; color: #1f2328;
    font: 14px/1.5 -apple-system, BlinkMacSystemFont, "Segoe UI", "Noto Sans", Helvetica, Arial, "DejaVu Sans", sans-serif; }
  .card { margin: 24px; background: #fff; border: 1px solid #d0d7de; border-radius: 6px; }
  .card > header { padding: 12px 16px; border-bottom: 1px solid #d0d7de; font-weight: 600; }
  .markdown-body { padding: 16px 32px 24px; font-size: 16px; }
  h1, h2, h3 { margin: 24px 0 16px; font-weight: 600; line-height: 1.25; }
  h2 { font-size: 1.5em; padding-bottom: .3em; border-bottom: 1px solid #d1d9e0b3; }
  h3 { font-size: 1.25em; }
  p, ul, table, pre, details { margin: 0 0 16px; }
  code, pre { font-family: ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, "DejaVu Sans Mono", monospace; font-size: 85%; }
  code { padding: .2em .4em; background: #818b981f; border-radius: 6px; }
  pre code { padding: 0; background: none; font-size: 100%; }
  pre { padding: 16px; overflow: auto; background: #f6f8fa; border-radius: 6px; white-space: pre-wrap; }
  table { border-collapse: collapse; display: block; width: max-content; max-width: 100%; overflow: auto; }
  th, td { padding: 6px 13px; border: 1px solid #d1d9e0; }
  th { font-weight: 600; }
  tr:nth-child(2n) { background: #f6f8fa; }
  ul { padding-left: 2em; }
  /* GitHub's task lists: no bullet, the box hung in the list's padding. */
  ul:has(> li > input[type=checkbox]) > li { list-style: none; }
  input[type=checkbox] { margin: 0 .2em .25em -1.4em; vertical-align: middle; }
  details summary { cursor: pointer; }
  a { color: #0969da; text-decoration: none; }
`;

// What `cfdeploy explain --format github` writes to GITHUB_STEP_SUMMARY.
function summaryMarkdown(dir) {
  requireFile(CFDEPLOY, 'build cfdeploy first (cmake --build build) or set CFDEPLOY_BINARY');
  const summary = path.join(dir, 'summary.md');
  const result = spawnSync(CFDEPLOY, ['explain', '--format', 'github', fixture('wrangler/d1-apply-7403.log')], {
    encoding: 'utf8',
    env: { PATH: '/usr/bin:/bin', HOME: dir, GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary, GITHUB_OUTPUT: path.join(dir, 'output') },
  });
  assert.ok(existsSync(summary), `cfdeploy wrote no summary (exit ${result.status}):\n${result.stderr}`);
  return readFileSync(summary, 'utf8');
}

function page(markdown) {
  const body = marked.parse(markdown, { gfm: true });
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>cfdeploy job summary</title>
<style>${STYLE}</style></head><body><div class="card"><header>Apply migrations summary</header>
<article class="markdown-body">${body}</article></div></body></html>`;
  return { body, html };
}

function screenshot(htmlFile, png, dir) {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install chromium (script/bootstrap does)`);
  const result = spawnSync(CHROMIUM, [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--hide-scrollbars', `--user-data-dir=${path.join(dir, 'chromium')}`,
    '--window-size=1100,1400', `--screenshot=${png}`, `file://${htmlFile}`,
  ], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, HOME: dir } });
  assert.equal(result.status, 0, `chromium failed (${result.error?.message ?? result.status}):\n${result.stderr}`);
}

test('the 7403 job summary renders with its table, checklist and details, and photographs', (t) => {
  const dir = tempDir(t);
  const { body, html } = page(summaryMarkdown(dir));
  assert.match(body, /<table>/);
  assert.match(body, /<th>Permission<\/th>/);
  assert.match(body, /<strong>Account › D1 › Edit<\/strong>/);
  assert.match(body, /<details><summary>[^<]+<\/summary>/);
  assert.ok((body.match(/<input [^>]*type="checkbox"/g) ?? []).length >= 3, 'the checklist did not render as checkboxes');

  mkdirSync(ARTIFACTS, { recursive: true });
  const htmlFile = path.join(ARTIFACTS, 'summary-7403.html');
  const png = path.join(ARTIFACTS, 'summary-7403.png');
  writeFileSync(htmlFile, html);
  screenshot(htmlFile, png, dir);
  assert.ok(existsSync(png), 'no screenshot');
  assert.deepEqual(readFileSync(png).subarray(0, 8), PNG_SIGNATURE);
  assert.ok(statSync(png).size > 20_000, `the screenshot is only ${statSync(png).size} bytes: is the page blank?`);
});

// What `cfdeploy migrate lab-db` writes to GITHUB_STEP_SUMMARY when the real wrangler
// fails against the fake API in `scenario`, which also answers the diagnosis' requests.
async function migrateSummary(t, dir, scenario) {
  requireFile(CFDEPLOY, 'build cfdeploy first (cmake --build build) or set CFDEPLOY_BINARY');
  requireFile(WRANGLER, 'install wrangler first (npm ci in tests/wrangler)');
  const fake = await startFakeApi(t, scenario, dir);
  const project = copyProject(dir);
  const summary = path.join(dir, 'summary.md');
  const result = spawnSync(CFDEPLOY, ['migrate', 'lab-db', '--wrangler', WRANGLER, '-C', project], {
    encoding: 'utf8',
    timeout: 120_000,
    env: {
      ...isolatedEnv(dir, fake.baseUrl),
      CLOUDFLARE_API_TOKEN: TOKEN,
      GITHUB_ACTIONS: 'true',
      GITHUB_STEP_SUMMARY: summary,
      GITHUB_OUTPUT: path.join(dir, 'output'),
      GITHUB_WORKSPACE: project,
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_REPOSITORY: 'acme/notes',
      GITHUB_RUN_ID: '42',
    },
  });
  assert.equal(result.status, 1, result.stderr);
  assert.ok(existsSync(summary), `cfdeploy wrote no summary:\n${result.stderr}`);
  const markdown = readFileSync(summary, 'utf8');
  assert.ok(!markdown.includes(TOKEN), 'the token reached the summary');
  return markdown;
}

function photograph(dir, name, html) {
  mkdirSync(ARTIFACTS, { recursive: true });
  const htmlFile = path.join(ARTIFACTS, `${name}.html`);
  const png = path.join(ARTIFACTS, `${name}.png`);
  writeFileSync(htmlFile, html);
  screenshot(htmlFile, png, dir);
  assert.deepEqual(readFileSync(png).subarray(0, 8), PNG_SIGNATURE);
  assert.ok(statSync(png).size > 20_000, `the screenshot is only ${statSync(png).size} bytes: is the page blank?`);
}

test('the diagnosed 7403 summary states the cause and links the token form, and photographs', async (t) => {
  const dir = tempDir(t);
  const { body, html } = page(await migrateSummary(t, dir, 'diagnose-d1-7403'));
  assert.match(body, /<h3>Diagnosis<\/h3>/);
  assert.ok(body.includes(`The token is valid and reaches account ${ACCOUNT} (&#39;Lab Account&#39;); database &#39;lab-db&#39;`), body);
  assert.ok(body.includes('so the token lacks Account › D1 › Edit on this account.'), body);
  assert.match(body, /<a href="https:\/\/dash\.cloudflare\.com\/profile\/api-tokens\?permissionGroupKeys=[^"]+">Create a token with these permissions<\/a>/);
  photograph(dir, 'summary-7403-diagnosed', html);
});

test('the stale database_id summary shows the replacement line and the diff, and photographs', async (t) => {
  const dir = tempDir(t);
  const { body, html } = page(await migrateSummary(t, dir, 'diagnose-d1-stale-id'));
  assert.match(body, /<h3>Change <code>wrangler\.toml:8<\/code><\/h3>/);
  assert.match(body, /<pre><code>database_id = &quot;22222222-3333-4444-5555-666666666666&quot;\n<\/code><\/pre>/);
  assert.match(body, /<pre><code class="language-diff">--- a\/wrangler\.toml\n\+\+\+ b\/wrangler\.toml\n@@ -5,4 \+5,4 @@/);
  photograph(dir, 'summary-stale-database-id', html);
});
