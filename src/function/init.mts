/**
 * Init: the process guard, then the prefetch, awaited at the top level, so
 * Lambda counts it as init (and provisioned concurrency runs it before any
 * request). An ES module of its own: only an ES module may await at the top
 * level.
 */
import { installProcessGuard } from './process-guard.js';
import { prefetch } from './prefetch.js';

installProcessGuard();
await prefetch(process.env);
