import { DomainError } from '../../../shared/domain-error.js';
import { needWeightedV1 } from './need-weighted.v1.js';
import { needWeightedV2 } from './need-weighted.v2.js';
import { type AllocationPolicy, policyId } from './policy.js';

/**
 * Every policy version ever used, by `name/version`. Never remove or change one: recorded
 * decisions name the version they ran and must replay under it for ever.
 */
const POLICIES: readonly AllocationPolicy<any>[] = [needWeightedV1, needWeightedV2];

/** What a new round runs when it names no policy. */
export const DEFAULT_POLICY = needWeightedV2;

export const policyFor = (name: string, version: number): AllocationPolicy<any> => {
  const policy = POLICIES.find((p) => p.name === name && p.version === version);
  if (!policy) {
    throw new DomainError('ALLOCATION.UNKNOWN_POLICY', `no allocation policy ${name}/${version}; known: ${POLICIES.map(policyId).join(', ')}`, 'invalid', {
      field: 'policy',
    });
  }
  return policy;
};

/** Parses `need-weighted/2` (or a bare name, meaning its latest version). */
export const parsePolicy = (ref: string | undefined): AllocationPolicy<any> => {
  if (ref === undefined) return DEFAULT_POLICY;
  const [name, version] = ref.split('/');
  if (version === undefined) {
    const latest = POLICIES.filter((p) => p.name === name).sort((a, b) => b.version - a.version)[0];
    if (latest) return latest;
  }
  return policyFor(name ?? '', Number(version));
};

export const knownPolicies = (): string[] => POLICIES.map(policyId);
