import type { Contract } from 'fabric-contract-api';
import { SupplyContract } from './contract';
import { SupplySafetyContract } from './safety-contract';
import { SupplyTraceContract } from './trace-contract';

export const supplyContracts: Array<new () => Contract> = [SupplyContract, SupplySafetyContract, SupplyTraceContract];

export * from './types';
export * as gs1 from './gs1';
export { verdict } from './verification';
/** How VerifyProduct reads its argument: the gateway's read model (history index) parses it the same way. */
export { itemArgument, requireProductIdentifier } from './input';
export { epcisShapeOf, eventIdOf, orgUri } from './vocabulary';
export type { ContainerHistory, UnitHistory } from './history';
export type { CommissionResult } from './commissioning';
export { PharmacistLicense } from './point-of-care';
/** Who reads supply trade data: the gateway's history index applies the same rule. */
export { isTradingRole, mayReadTradeData, PartnerRoles, RegulatorRoles, type RoleHolder } from './access';
export { mayReceiveSupplyEvent } from './event-audience';
export * from './limits';
export { SupplyContract, SupplySafetyContract, SupplyTraceContract };
