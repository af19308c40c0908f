// Preloaded with `node --import ./register.mjs` so the JSON hook is in place
// before any test imports @actions/workflow-parser.
import { existsSync } from 'node:fs';
import { register } from 'node:module';

if (!existsSync(new URL('./node_modules/@actions/workflow-parser', import.meta.url))) {
  console.error('tests/action: the test tools are not installed: run `npm ci` in tests/action (script/bootstrap does)');
  process.exit(1);
}
register('./json-hook.mjs', import.meta.url);
