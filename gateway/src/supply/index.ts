export { SupplyClient, type PageRequest, type SuspectTarget } from './client';
