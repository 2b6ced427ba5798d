import type { FastifyInstance } from 'fastify';
import type { GatewayContext } from '../context';
import { authRoutes } from './auth';
import { credentialRoutes } from './credentials';
import { documentRoutes } from './documents';
import { ehrRoutes } from './ehr';
import { epcisRoutes } from './epcis';
import { eventRoutes } from './events';
import { historyRoutes } from './history';
import { fhirRoutes } from './fhir';
import { offlineRoutes } from './offline';
import { operationsRoutes } from './operations';
import { supplyRoutes } from './supply';
import { systemRoutes } from './system';

export function registerRoutes(
    app: FastifyInstance,
    context: GatewayContext,
    options: { readinessUser: string },
): void {
    operationsRoutes(app, context, options);
    authRoutes(app, context);
    systemRoutes(app, context);
    eventRoutes(app, context);
    offlineRoutes(app, context);
    credentialRoutes(app, context);
    ehrRoutes(app, context);
    documentRoutes(app, context);
    supplyRoutes(app, context);
    historyRoutes(app, context);
    epcisRoutes(app, context);
    fhirRoutes(app, context);
}
