import { getMetadataStorage } from 'class-validator';

type Lookup = (
  target: unknown,
  schema: string,
  always: boolean,
  strictGroups: boolean,
  groups?: string[],
) => object[];

interface Storage {
  getTargetValidationMetadatas: Lookup;
  groupByPropertyName(metadata: object[]): Record<string, object[]>;
  addValidationMetadata(metadata: unknown): void;
  kamCached?: true;
}

/**
 * class-validator finds the rules of the object it validates by testing its class against every class that has
 * rules (`instanceof` each registered DTO, a few hundred here), for every object: every row of a 1,000-row import,
 * and each nested object again. The rules are declared by decorators when the classes load and never change
 * afterwards, so the answer per class is kept (and forgotten whenever a rule is added). Validation with groups,
 * which this project does not use, is looked up as before. With class-validator 0.14 (pinned).
 */
export function cacheValidationMetadata(): void {
  const storage = getMetadataStorage() as unknown as Storage;
  if (storage.kamCached) return;
  storage.kamCached = true;
  const lookup = storage.getTargetValidationMetadatas.bind(storage);
  const group = storage.groupByPropertyName.bind(storage);
  const add = storage.addValidationMetadata.bind(storage);
  let byTarget = new Map<unknown, Map<string, object[]>>();
  let grouped = new WeakMap<object[], Record<string, object[]>>();
  storage.getTargetValidationMetadatas = (target, schema, always, strictGroups, groups) => {
    if (groups?.length) return lookup(target, schema, always, strictGroups, groups);
    const key = `${schema}\u0000${always}\u0000${strictGroups}`;
    let forTarget = byTarget.get(target);
    if (!forTarget) byTarget.set(target, (forTarget = new Map()));
    let found = forTarget.get(key);
    if (!found) forTarget.set(key, (found = lookup(target, schema, always, strictGroups, groups)));
    return found;
  };
  storage.groupByPropertyName = (metadata) => {
    let g = grouped.get(metadata);
    if (!g) grouped.set(metadata, (g = group(metadata)));
    return g;
  };
  storage.addValidationMetadata = (metadata) => {
    byTarget = new Map();
    grouped = new WeakMap();
    add(metadata);
  };
}
