// Checks the layering rules of .dependency-cruiser.cjs: `npm run lint:deps`, and in CI.
//
// The same as `depcruise src --config .dependency-cruiser.cjs`, through dependency-cruiser's API:
// its command line refuses to start on Node 20, which the service still supports (package.json
// engines), while the API it runs works there. The front end's sources (web/src) are checked too once
// it exists. Exits non-zero on any error-level violation; warnings are printed only.
import { existsSync } from 'node:fs';
import { cruise, format } from 'dependency-cruiser';
import extractDepcruiseConfig from 'dependency-cruiser/config-utl/extract-depcruise-config';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';

process.chdir(new URL('..', import.meta.url).pathname);
const config = await extractDepcruiseConfig('./.dependency-cruiser.cjs');
const roots = ['src', 'web/src'].filter((root) => existsSync(root));
const result = await cruise(roots, { ...config.options, validate: true, ruleSet: config }, {}, { tsConfig: extractTSConfig(config.options.tsConfig.fileName) });
const report = await format(result.output, { outputType: 'err' });
process.stdout.write(report.output);
process.exitCode = report.exitCode;
