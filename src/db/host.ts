/** What the database layer needs from the machine PostgreSQL runs on (this one or a VM). */
import type { CommandRunner, FileStore } from '../engine/ports.js';

export type DbHost = CommandRunner & FileStore & { freePort(): Promise<number> };
