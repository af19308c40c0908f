// A small emulator of actions/runner for composite actions: it evaluates the
// `${{ }}` templates, runs each run step with the runner's shell command line,
// parses workflow commands from stdout and stderr as the runner does, reads the
// file commands (GITHUB_OUTPUT, GITHUB_ENV, GITHUB_PATH, GITHUB_STEP_SUMMARY)
// with the runner's algorithm and maps the action's outputs. Offline: it only
// starts local processes.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { Evaluator, Lexer, Parser, data } from '@actions/expressions';
import { truthy } from '@actions/expressions/result';
import YAML from 'yaml';

// ---- Expressions -----------------------------------------------------------

const statusFunctions = (state) =>
  new Map(
    Object.entries({
      success: () => !state.failed,
      failure: () => state.failed,
      always: () => true,
      cancelled: () => false,
    }).map(([name, fn]) => [name, { name, minArgs: 0, maxArgs: 0, call: () => new data.BooleanData(fn()) }]),
  );

export function evaluate(expression, contexts, functions = new Map()) {
  const { tokens } = new Lexer(expression).lex();
  const tree = new Parser(tokens, Object.keys(contexts), [...functions.values()]).parse();
  const context = JSON.parse(JSON.stringify(contexts), data.reviver);
  return new Evaluator(tree, context, functions).evaluate();
}

// "a ${{ x }} b" -> literal and expression parts; a `}}` inside a quoted
// string does not close the expression.
function templateParts(text) {
  const parts = [];
  let rest = 0;
  for (let start = text.indexOf('${{'); start >= 0; start = text.indexOf('${{', rest)) {
    let end = start + 3;
    for (let quoted = false; end < text.length; end++) {
      if (text[end] === "'") quoted = !quoted;
      else if (!quoted && text.startsWith('}}', end)) break;
    }
    if (end >= text.length) throw new Error(`unclosed \${{ in: ${text}`);
    parts.push({ literal: text.slice(rest, start) }, { expression: text.slice(start + 3, end).trim() });
    rest = end + 2;
  }
  parts.push({ literal: text.slice(rest) });
  return parts;
}

export function interpolate(value, contexts, functions) {
  if (value === undefined || value === null) return '';
  return templateParts(String(value))
    .map((part) => ('literal' in part ? part.literal : evaluate(part.expression, contexts, functions).coerceString()))
    .join('');
}

// A step's `if:` as the runner reads it: bare or wrapped in ${{ }}, and
// `success() && (...)` unless it calls a status function itself.
function shouldRun(condition, contexts, state) {
  let expression = String(condition ?? '').trim().replace(/^\$\{\{([\s\S]*)\}\}$/, '$1').trim();
  if (!expression) expression = 'success()';
  else if (!/\b(success|failure|always|cancelled)\s*\(/i.test(expression)) expression = `success() && (${expression})`;
  return truthy(evaluate(expression, contexts, statusFunctions(state)));
}

// ---- Workflow commands (ActionCommand.cs, ActionCommandManager.cs) ---------

const REGISTERED = ['add-mask', 'add-matcher', 'remove-matcher', 'debug', 'notice', 'warning', 'error', 'group',
  'endgroup', 'echo', 'set-output', 'save-state', 'set-env', 'add-path', 'stop-commands'];
// Decoded in this order, so `%25` comes last and the round trip is exact.
const DATA_ESCAPES = [['%0D', '\r'], ['%0A', '\n'], ['%25', '%']];
const PROPERTY_ESCAPES = [['%0D', '\r'], ['%0A', '\n'], ['%3A', ':'], ['%2C', ','], ['%25', '%']];
const LEGACY_ESCAPES = [['%3B', ';'], ['%0D', '\r'], ['%0A', '\n'], ['%5D', ']'], ['%25', '%']];
const ANNOTATION_KEYS = { file: 'file', line: 'line', endline: 'endLine', col: 'col', endcolumn: 'endColumn', title: 'title' };

const unescape = (text, table) => table.reduce((value, [from, to]) => value.split(from).join(to), text);

// "name k=v,k=v" plus data -> a command, or null if the name is not registered.
function command(info, separator, escapes, dataText, registered) {
  const space = info.indexOf(' ');
  const name = (space < 0 ? info : info.slice(0, space)).toLowerCase();
  if (!registered.has(name)) return null;
  const properties = {};
  for (const item of space < 0 ? [] : info.slice(space + 1).trim().split(separator)) {
    const eq = item.indexOf('=');
    // C#'s Split('=', 2, RemoveEmptyEntries): "k=" and "=v" are dropped.
    if (eq > 0 && eq < item.length - 1) properties[item.slice(0, eq).toLowerCase()] = unescape(item.slice(eq + 1), escapes);
  }
  return { name, properties, data: unescape(dataText, escapes === LEGACY_ESCAPES ? escapes : DATA_ESCAPES) };
}

// `::name k=v,k=v::data` at the start of the line after TrimStart(), else the
// legacy `##[name k=v;k=v]data` anywhere in it.
export function parseCommand(line, registered = new Set(REGISTERED)) {
  const text = line.trimStart();
  const end = text.startsWith('::') ? text.indexOf('::', 2) : -1;
  const found = end >= 0 ? command(text.slice(2, end), ',', PROPERTY_ESCAPES, text.slice(end + 2), registered) : null;
  if (found) return found;
  const start = line.indexOf('##[');
  const close = start >= 0 ? line.indexOf(']', start) : -1;
  return close >= 0 ? command(line.slice(start + 3, close), ';', LEGACY_ESCAPES, line.slice(close + 1), registered) : null;
}

// One per action run: masks and the stop-commands state live as long as the
// runner's singleton command manager does.
class CommandProcessor {
  registered = new Set(REGISTERED);
  stopToken = null;
  masks = [];
  annotations = [];
  debug = [];
  log = [];

  mask(text) {
    return this.masks.reduce((value, secret) => value.split(secret).join('***'), String(text));
  }

  addMask(value) {
    // The whole value and each of its lines, trimmed (AddMaskCommandExtension).
    for (const secret of [value, ...value.split(/\r?\n|\r/).map((part) => part.trim())]) {
      if (secret && !this.masks.includes(secret)) this.masks.push(secret);
    }
    this.masks.sort((a, b) => b.length - a.length);
  }

  print(text) {
    this.log.push(this.mask(text));
  }

  // source: 'step' for a command the step printed, 'runner' for the runner's own.
  annotate(level, message, { properties = {}, step, source = 'runner' } = {}) {
    const props = {};
    for (const [key, value] of Object.entries(properties)) {
      if (ANNOTATION_KEYS[key]) props[ANNOTATION_KEYS[key]] = this.mask(value);
    }
    const annotation = { level, message: this.mask(message), properties: props, step: step?.id, source };
    this.annotations.push(annotation);
    this.print(`##[${level}]${annotation.message}`);
  }

  line(text, step) {
    const found = parseCommand(text, this.registered);
    if (!found) return this.print(text);
    if (this.stopToken !== null) {
      // Only the resume token is a command while stopped.
      if (found.name === this.stopToken.toLowerCase()) {
        this.registered.delete(found.name);
        this.stopToken = null;
      }
      return this.print(text);
    }
    const handlers = {
      'add-mask': () => (found.data ? this.addMask(found.data) : this.annotate('warning', "Can't add secret mask for empty string in ##[add-mask] command.")),
      debug: () => this.debug.push(this.mask(found.data)),
      error: () => this.annotate('error', found.data, { properties: found.properties, step, source: 'step' }),
      warning: () => this.annotate('warning', found.data, { properties: found.properties, step, source: 'step' }),
      notice: () => this.annotate('notice', found.data, { properties: found.properties, step, source: 'step' }),
      group: () => this.print(`##[group]${found.data}`),
      endgroup: () => this.print('##[endgroup]'),
      'set-output': () => {
        step.outputs[found.properties.name] = found.data;
        this.annotate('warning', 'The `set-output` command is deprecated and will be disabled soon.', { step });
      },
      'set-env': () => this.fail(step, `The \`set-env\` command is disabled.`),
      'add-path': () => this.fail(step, `The \`add-path\` command is disabled.`),
      'stop-commands': () => this.stop(found.data, text, step),
    };
    (handlers[found.name] ?? (() => {}))();
  }

  stop(token, text, step) {
    if (!token || token.toLowerCase() === 'pause-logging' || this.registered.has(token.toLowerCase())) {
      return this.fail(step, `Invalid stop-commands token '${token}'.`);
    }
    this.stopToken = token;
    this.registered.add(token.toLowerCase());
    if (token.length > 6) this.addMask(token);
    this.print(text);
  }

  fail(step, message) {
    this.annotate('error', message, { step });
    step.commandFailed = true;
  }
}

// ---- File commands (FileCommandManager.cs) ---------------------------------

// NAME=VALUE or NAME<<DELIM ... DELIM; lines end with \n only (Linux).
export function parseKeyValueFile(text) {
  const entries = [];
  const lines = text.split('\n');
  const lastHasNewline = text.endsWith('\n');
  if (lastHasNewline) lines.pop();
  const complete = (i) => lastHasNewline || i < lines.length - 1;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (!line) continue;
    const eq = line.indexOf('=');
    const heredoc = line.indexOf('<<');
    if (eq >= 0 && (heredoc < 0 || eq < heredoc)) {
      if (eq === 0) throw new Error(`Invalid format '${line}'. Name must not be empty`);
      entries.push([line.slice(0, eq), line.slice(eq + 1)]);
      continue;
    }
    if (heredoc < 0) throw new Error(`Invalid format '${line}'`);
    const [name, delimiter] = [line.slice(0, heredoc), line.slice(heredoc + 2)];
    if (!name || !delimiter) throw new Error(`Invalid format '${line}'. Name must not be empty and delimiter must not be empty`);
    const value = [];
    for (i++; lines[i] !== delimiter; i++) {
      if (i >= lines.length) throw new Error(`Invalid value. Matching delimiter not found '${delimiter}'`);
      if (!complete(i)) throw new Error('Invalid value. EOF marker missing new line.');
      value.push(lines[i]);
    }
    entries.push([name, value.join('\n')]);
  }
  return entries;
}

// ---- Steps -----------------------------------------------------------------

const SHELLS = {
  bash: ['bash', '--noprofile', '--norc', '-e', '-o', 'pipefail', '{0}'],
  sh: ['sh', '-e', '{0}'],
};

// Lines split as .NET's StreamReader.ReadLine does: \n, \r\n or a lone \r.
function lineReader(onLine) {
  const decoder = new StringDecoder('utf8');
  const breaks = /\r\n|\r|\n/;
  let pending = '';
  return {
    push(chunk) {
      let text = pending + decoder.write(chunk);
      // A trailing \r may be the first half of \r\n: hold it for the next chunk.
      const held = text.endsWith('\r') ? '\r' : '';
      if (held) text = text.slice(0, -1);
      const lines = text.split(breaks);
      pending = lines.pop() + held;
      lines.forEach(onLine);
    },
    end() {
      const lines = (pending + decoder.end()).split(breaks);
      const last = lines.pop();
      lines.forEach(onLine);
      if (last) onLine(last);
    },
  };
}

function runScript(argv, { cwd, env, timeoutMs, onLine }) {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0], argv.slice(1), { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const captured = { stdout: '', stderr: '' };
    const streams = ['stdout', 'stderr'].map((name) => {
      // Both streams feed one parser in arrival order, as in the runner.
      const reader = lineReader((line) => onLine(line, name));
      child[name].on('data', (chunk) => {
        captured[name] += chunk.toString('utf8');
        reader.push(chunk);
      });
      return new Promise((done) => child[name].on('end', () => done(reader.end())));
    });
    // A hung step is killed with its whole process group.
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {}
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', async (code, signal) => {
      clearTimeout(timer);
      await Promise.all(streams);
      resolve({ exitCode: code ?? 128, signal, ...captured });
    });
  });
}

const readText = (file) => readFileSync(file, 'utf8');

// Runs the composite action in actionDir. Returns {steps, annotations, masks,
// outputs, summary (masked, as uploaded), log (masked), debug, failed}.
export async function runAction({ actionDir, inputs = {}, env = {}, os = 'Linux', arch = 'X64', workspace,
  tempDir = mkdtempSync(path.join(tmpdir(), 'action-runner-')), timeoutMs = 120_000 }) {
  const action = YAML.parse(readText(path.join(actionDir, 'action.yml')));
  if (action.runs?.using !== 'composite') throw new Error('only composite actions are supported');
  const runnerTemp = path.join(tempDir, 'runner-temp');
  mkdirSync(runnerTemp, { recursive: true });
  workspace ??= process.cwd();
  const runId = String(Date.now());
  const processor = new CommandProcessor();
  const state = { failed: false };
  const extraEnv = {};
  const extraPath = [];
  const contexts = {
    runner: { os, arch, temp: runnerTemp, name: 'emulator', environment: 'self-hosted' },
    github: { action_path: actionDir, workspace, run_id: runId, run_attempt: '1', event_name: 'push', actions: true },
    env: { ...env },
    steps: {},
  };

  // Inputs: declared defaults (themselves templates) under the given values.
  const declared = action.inputs ?? {};
  contexts.inputs = Object.fromEntries(Object.entries(declared).map(([id, spec]) => [id, interpolate(spec?.default ?? '', contexts)]));
  for (const [id, value] of Object.entries(inputs)) {
    const known = Object.keys(declared).find((name) => name.toLowerCase() === id.toLowerCase());
    if (!known) processor.annotate('warning', `Unexpected input(s) '${id}', valid inputs are [${Object.keys(declared).join(', ')}]`);
    contexts.inputs[known ?? id] = String(value);
  }

  const steps = [];
  let summary = '';
  for (const [index, spec] of action.runs.steps.entries()) {
    const step = { id: spec.id ?? `__${index}`, name: spec.name, outputs: {}, skipped: false };
    steps.push(step);
    if (!shouldRun(spec.if, contexts, state)) {
      Object.assign(step, { skipped: true, outcome: 'skipped' });
      contexts.steps[step.id] = { outputs: {}, outcome: 'skipped', conclusion: 'skipped' };
      continue;
    }
    if (spec.uses !== undefined || spec.run === undefined) throw new Error(`step ${step.id}: only run steps are supported`);
    const shell = SHELLS[spec.shell];
    if (!shell) throw new Error(`step ${step.id}: shell '${spec.shell}' is not supported`);

    const files = Object.fromEntries(['OUTPUT', 'ENV', 'STEP_SUMMARY', 'PATH'].map((name) => {
      const file = path.join(runnerTemp, '_runner_file_commands', `${name.toLowerCase()}_${randomUUID()}`);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, '');
      return [`GITHUB_${name}`, file];
    }));
    const stepEnv = Object.fromEntries(Object.entries(spec.env ?? {}).map(([key, value]) => [key, interpolate(value, contexts)]));
    const base = { PATH: '/usr/bin:/bin', ...env, ...extraEnv };
    const processEnv = {
      ...base,
      PATH: [...extraPath, base.PATH].join(':'),
      ...files,
      GITHUB_ACTION_PATH: actionDir, GITHUB_WORKSPACE: workspace, GITHUB_ACTIONS: 'true', GITHUB_RUN_ID: runId,
      GITHUB_RUN_ATTEMPT: '1', CI: 'true', RUNNER_OS: os, RUNNER_ARCH: arch, RUNNER_TEMP: runnerTemp,
      ...stepEnv,
    };
    const script = path.join(runnerTemp, `${randomUUID()}.sh`);
    writeFileSync(script, spec.run);
    const cwd = path.resolve(workspace, interpolate(spec['working-directory'] ?? '.', contexts));
    const argv = shell.map((word) => (word === '{0}' ? script : word));
    Object.assign(step, await runScript(argv, { cwd, env: processEnv, timeoutMs, onLine: (line) => processor.line(line, step) }));

    readFileCommands(step, files, processor, { extraEnv, extraPath });
    summary += processor.mask(readText(files.GITHUB_STEP_SUMMARY));
    if (step.exitCode !== 0) processor.annotate('error', `Process completed with exit code ${step.exitCode}.`, { step });
    const failed = step.exitCode !== 0 || step.commandFailed;
    step.outcome = failed ? 'failure' : 'success';
    const continueOnError = interpolate(spec['continue-on-error'] ?? false, contexts) === 'true';
    step.conclusion = failed && continueOnError ? 'success' : step.outcome;
    if (step.conclusion === 'failure') state.failed = true;
    contexts.steps[step.id] = { outputs: step.outputs, outcome: step.outcome, conclusion: step.conclusion };
    contexts.env = { ...env, ...extraEnv };
  }

  // The action's outputs are mapped after the steps, failed or not.
  const outputs = Object.fromEntries(Object.entries(action.outputs ?? {}).map(([id, spec]) => [id, interpolate(spec?.value ?? '', contexts)]));
  const { annotations, masks, debug } = processor;
  return { steps, annotations, masks, outputs, summary, log: processor.log.join('\n'), debug, failed: state.failed };
}

// Reads a step's file commands; an error fails the step, as in the runner.
function readFileCommands(step, files, processor, { extraEnv, extraPath }) {
  const apply = (kind, file, use) => {
    try {
      use(readText(file));
    } catch (error) {
      processor.fail(step, `Unable to process file command '${kind}' successfully.`);
      processor.annotate('error', error.message, { step });
    }
  };
  apply('output', files.GITHUB_OUTPUT, (text) => {
    for (const [name, value] of parseKeyValueFile(text)) step.outputs[name] = value;
  });
  apply('env', files.GITHUB_ENV, (text) => {
    for (const [name, value] of parseKeyValueFile(text)) {
      if (name === 'NODE_OPTIONS') throw new Error("Can't store NODE_OPTIONS output parameter using '$GITHUB_ENV' command.");
      extraEnv[name] = value;
    }
  });
  apply('add_path', files.GITHUB_PATH, (text) => {
    extraPath.unshift(...text.split('\n').filter(Boolean).reverse());
  });
}
