import { existsSync, readFileSync } from 'node:fs';
import { closestCode } from '../shared/closest-code.js';
import { DomainError } from '../shared/domain-error.js';

/** Counties, municipalities, warehouses and items, from the CSV files in `reference/`. */

export interface County {
  readonly code: string;
  readonly name: string;
}

export interface Municipality {
  readonly code: string;
  readonly name: string;
  readonly countyCode: string;
}

export interface Warehouse {
  readonly id: string;
  readonly countyCode: string;
  readonly name: string;
  readonly operator: string;
}

export interface Item {
  readonly code: string;
  readonly nameSv: string;
  readonly nameEn: string;
  /** What one counts: piece, bottle, kit. Quantities everywhere are whole units of it. */
  readonly unit: string;
  /** Units in one pack as the suppliers deliver them. */
  readonly packSize: number;
}

const parseCsv = (text: string, file: string): Record<string, string>[] => {
  const [header, ...lines] = text.trim().split(/\r?\n/);
  const columns = header!.split(',');
  return lines.map((line, i) => {
    const cells = line.split(',');
    if (cells.length !== columns.length) throw new Error(`${file}:${i + 2}: expected ${columns.length} cells`);
    return Object.fromEntries(columns.map((c, k) => [c, cells[k]!.trim()]));
  });
};

/**
 * The project's `reference/` folder: the nearest one above this module, which sits at a different
 * depth in the sources, the service's build (`dist/`) and the benchmarks' build (`dist-bench/src/`).
 */
const referenceFolder = (): URL => {
  for (let up = '../'; up.length <= 4 * 3; up += '../') {
    const folder = new URL(`${up}reference/`, import.meta.url);
    if (existsSync(new URL('municipalities.csv', folder))) return folder;
  }
  throw new Error(`no reference/ folder above ${import.meta.url}`);
};

/** The rows of one of the service's reference CSV files, by column name. */
export const readReferenceCsv = (name: string): Record<string, string>[] => parseCsv(readFileSync(new URL(name, referenceFolder()), 'utf8'), name);

/**
 * The one shape of an unknown item code, wherever it is found: `REFERENCE.UNKNOWN_ITEM` naming the
 * field, with the closest code as `suggestion` when one is close.
 */
export const unknownItem = (code: string, field: string, suggestion: string | undefined): DomainError =>
  new DomainError('REFERENCE.UNKNOWN_ITEM', `${code} is not in the item catalogue${suggestion ? `; did you mean ${suggestion}?` : ''}`, 'invalid', {
    field,
    item: code,
    ...(suggestion ? { suggestion } : {}),
  });

/** Loaded once at start; the service never reads the shared folder at run time. */
export class ReferenceData {
  readonly counties: readonly County[];
  readonly municipalities: readonly Municipality[];
  readonly warehouses: readonly Warehouse[];
  readonly items: readonly Item[];
  private readonly municipalityByCode: ReadonlyMap<string, Municipality>;
  private readonly countyByCode: ReadonlyMap<string, County>;
  private readonly warehouseById: ReadonlyMap<string, Warehouse>;
  private readonly itemByCode: ReadonlyMap<string, Item>;

  constructor(source: { municipalities: Record<string, string>[]; warehouses: Record<string, string>[]; items: Record<string, string>[] }) {
    this.municipalities = source.municipalities.map((r) => ({
      code: r.municipality_code!,
      name: r.municipality_name!,
      countyCode: r.county_code!,
    }));
    const counties = new Map<string, County>();
    for (const r of source.municipalities) counties.set(r.county_code!, { code: r.county_code!, name: r.county_name! });
    this.counties = [...counties.values()];
    this.warehouses = source.warehouses.map((r) => ({
      id: r.warehouse_id!,
      countyCode: r.county_code!,
      name: r.name!,
      operator: r.operator!,
    }));
    this.items = source.items.map((r) => ({
      code: r.code!,
      nameSv: r.name_sv!,
      nameEn: r.name_en!,
      unit: r.unit!,
      packSize: Number(r.pack_size),
    }));
    this.municipalityByCode = new Map(this.municipalities.map((m) => [m.code, m]));
    this.countyByCode = counties;
    this.warehouseById = new Map(this.warehouses.map((w) => [w.id, w]));
    this.itemByCode = new Map(this.items.map((i) => [i.code, i]));
    for (const w of this.warehouses) {
      if (!this.countyByCode.has(w.countyCode)) throw new Error(`warehouse ${w.id}: unknown county ${w.countyCode}`);
    }
  }

  static load(): ReferenceData {
    return new ReferenceData({
      municipalities: readReferenceCsv('municipalities.csv'),
      warehouses: readReferenceCsv('warehouses.csv'),
      items: readReferenceCsv('items.csv'),
    });
  }

  municipality(code: string): Municipality | undefined {
    return this.municipalityByCode.get(code);
  }

  county(code: string): County | undefined {
    return this.countyByCode.get(code);
  }

  warehouse(id: string): Warehouse | undefined {
    return this.warehouseById.get(id);
  }

  item(code: string): Item | undefined {
    return this.itemByCode.get(code);
  }

  /** The item code a mistyped one most likely meant (`ffp2`, `FFP-2` → `FFP2`), if any is close. */
  suggestItem(code: string): string | undefined {
    return closestCode(
      code,
      this.items.map((i) => i.code),
    );
  }

  /** The warehouse id a mistyped one most likely meant (`01-Central` → `01-central`), if any is close. */
  suggestWarehouse(id: string): string | undefined {
    return closestCode(
      id,
      this.warehouses.map((w) => w.id),
    );
  }

  /** Refuses an item code not in the catalogue, naming its field and the closest code. */
  requireItem(code: string, field: string): void {
    if (!this.itemByCode.has(code)) throw unknownItem(code, field, this.suggestItem(code));
  }

  /** Refuses the first line whose item is not in the catalogue, naming its field (`lines[2].item`). */
  requireItems(lines: readonly { readonly item: string }[], path = 'lines'): void {
    lines.forEach((line, i) => this.requireItem(line.item, `${path}[${i}].item`));
  }

  municipalitiesOf(countyCode: string): Municipality[] {
    return this.municipalities.filter((m) => m.countyCode === countyCode);
  }

  /** The county's central warehouse (the spec: each county has one). */
  warehouseOf(countyCode: string): Warehouse | undefined {
    return this.warehouses.find((w) => w.countyCode === countyCode);
  }
}
