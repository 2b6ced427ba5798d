/**
 * Private data collections of the chaincode. Every channel org has Fabric's implicit
 * collection `_implicit_org_<MSPID>` (members: that org; memberOnlyRead and memberOnlyWrite
 * false, as Fabric generates them); explicit collections may be declared as a network's
 * collections config would.
 */
export interface CollectionDefinition {
    name: string;
    /** MSP ids whose peers hold the clear-text data. */
    members: readonly string[];
    /** Only clients of member orgs may read (checked against the creator, on every peer). */
    memberOnlyRead: boolean;
    /** Only clients of member orgs may write. */
    memberOnlyWrite: boolean;
}

const implicitPrefix = '_implicit_org_';

export class CollectionRegistry {
    private readonly explicit = new Map<string, CollectionDefinition>();

    constructor(
        private readonly channelOrgs: () => readonly string[],
        definitions: readonly CollectionDefinition[] = [],
    ) {
        definitions.forEach((definition) => this.explicit.set(definition.name, definition));
    }

    /** The collection, or undefined when the chaincode defines none of that name. */
    get(name: string): CollectionDefinition | undefined {
        const explicit = this.explicit.get(name);
        if (explicit) {
            return explicit;
        }
        if (name.startsWith(implicitPrefix)) {
            const mspId = name.slice(implicitPrefix.length);
            if (this.channelOrgs().includes(mspId)) {
                return { name, members: [mspId], memberOnlyRead: false, memberOnlyWrite: false };
            }
        }
        return undefined;
    }
}
