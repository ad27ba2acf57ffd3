// Each stuck state by name, for harnesses that pick one.
export * as healthy from './healthy.scenario.ts';
export * as hung from './hung.scenario.ts';
export * as orphaned from './orphaned.scenario.ts';
export * as paused from './paused.scenario.ts';
export * as failed from './failed.scenario.ts';
export * as dangling from './dangling.scenario.ts';
export type { RunningScenario, ScenarioContext } from './scenario.ts';
