import 'reflect-metadata';
import { createApp } from '../app';
import { runCommand } from '../infra/services/run-command';
import { seedDemo } from './demo-seed';

/** `npm run seed`: loads the demo data into the configured (or embedded) Neo4j; repeating it changes nothing. */
runCommand({
  needs: 'database',
  async run(command) {
    const { config, logger } = command.configure();
    const db = await command.database();
    const app = await createApp({ config, db, logger });
    await seedDemo(app.services.ingestion, logger);
    await app.stop();
  },
});
