// Writes to the appliance as fast as it can until killed: each token id is printed only after its
// create has returned, i.e. after the config write and its audit row are durable. The crash test
// kills this process with SIGKILL at a random moment and then checks every printed id survived.
import { openAppliance } from '../../dist/appliance.js';

const [dataDir, prefix] = process.argv.slice(2);
const app = await openAppliance(dataDir);
for (let i = 0; ; i++) {
  const id = `${prefix}-${i}`;
  app.tokens.create({ id, description: `crash ${id}`, owner: 'admin' }, { actor: 'crash-writer' });
  process.stdout.write(id + '\n');
}
