/** Process entry: config → logger → db (migrate) → app → listen; graceful shutdown. */
import { fileURLToPath } from 'node:url';
import { buildApp } from './app.js';
import { ConfigError, loadConfig } from './runtime/config.js';
import { createLogger } from './runtime/logger.js';
import { closeDb, openDb } from './store/db.js';
import { loadDemoRoster } from './features/roster/demo.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
  const log = createLogger(config.LOG_LEVEL);
  const db = openDb(config.DATABASE_PATH);
  if (config.DEMO) {
    const loaded = await loadDemoRoster(db, Date.now());
    if (loaded) log.info('demo roster loaded into the empty database');
  }
  const app = await buildApp({ config, db, logger: log });
  await app.start();
  await app.http.listen({ port: config.PORT, host: config.HOST });
  if (config.LOCAL_CHAT) {
    log.info(`local chat: http://localhost:${config.PORT}/`);
  }

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000).unref();
    try {
      await app.close();
      closeDb(db);
    } finally {
      clearTimeout(force);
      process.exit(0);
    }
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
