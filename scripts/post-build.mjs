// Makes the compiled CLI executable so `npx otsensor` and the package `bin` work after `npm install`.
import { chmodSync } from 'node:fs';
chmodSync(new URL('../dist/cli.js', import.meta.url), 0o755);
