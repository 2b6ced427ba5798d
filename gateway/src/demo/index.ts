export { demoCommitment, seedDemoWorld, type SeedOptions, type SeedReport } from './seed';
export { DemoWorld, demoUnit } from './world';
export { firstCall, personasOf, type ConsortiumFile, type FirstCall, type Persona } from './personas';
