/**
 * The benchmark's floor chaincode: what the network costs for the least a transaction can do.
 * Loaded by `fabric-chaincode-node server` like CareLedger's own chaincode (chaincode as a
 * service, same endorsement policy), under its own name, so every CareLedger workload can be
 * reported as a ratio to it.
 */
import type { Contract } from 'fabric-contract-api';
import { FloorContract } from './floor-contract';

export const contracts: Array<new () => Contract> = [FloorContract];

export { FloorContract };
