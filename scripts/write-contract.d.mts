/** See write-contract.mjs. */
export declare const contractTypes: (document: object) => Promise<string>;
