// `npm run demo:service [-- options]`: builds the demo service and runs it in the foreground.
// --inspect[=host:port] (or DEMO_INSPECT) starts node with the inspector; every other option is the
// service's own (see examples/demo-service/README.md or --help).
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const serviceDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'examples', 'demo-service');
const { build } = await import(pathToFileURL(join(serviceDir, 'build.mjs')).href);
await build();

const nodeArgs = [];
const serviceArgs = [];
let inspect = process.env.DEMO_INSPECT;
for (const a of process.argv.slice(2)) {
  const m = /^--inspect(?:=(.+))?$/.exec(a);
  if (m) inspect = m[1] ?? '127.0.0.1:9229';
  else serviceArgs.push(a);
}
if (inspect) nodeArgs.push(`--inspect=${/^\d+$/.test(inspect) ? `127.0.0.1:${inspect}` : inspect}`);

const env = { ...process.env };
delete env.DEMO_INSPECT;
const child = spawn(process.execPath, [...nodeArgs, join(serviceDir, 'dist', 'server.js'), ...serviceArgs], {
  stdio: 'inherit',
  env,
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
