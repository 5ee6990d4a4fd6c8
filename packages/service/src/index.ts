export { build, type BuildOptions } from './app.js';
export { loadConfig, type Config } from './config.js';
export { openSqlite } from './store/database.js';
export { ProjectStore, type Project } from './store/project-store.js';
export { ensureDevProject } from './dev-project.js';
export { mintTurnCredential } from './auth/turn-credentials.js';
