/** The store conformance suite on SQLite, in memory. */
import { openSqlite } from '../../src/store/database.js';
import { describeStoreConformance } from './conformance.js';

describeStoreConformance('SQLite', () => openSqlite(':memory:'));
