import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { DomainError } from '../shared/domain-error.js';

/** The table the baselines write and read. Created at start by `BenchRoutesModule`, never by a migration. */
export const BENCH_TABLE = 'bench_bare_inserts';

const ID = /^[1-9]\d{0,17}$/;

/**
 * The baselines of the HTTP benchmarks: the same service — helmet, rate limits, the access guard
 * with a verified token, the JSON-only guard, the validation pipe, problem details, request
 * logging — but where a command would load a stream, decide and append, one plain statement.
 * The ratio command ÷ bare route is then the cost of the command pipeline alone.
 *
 * The body is not validated (an `object` parameter passes the validation pipe untouched) and no
 * `Idempotency-Key` is sent to it by the benchmark: each request is exactly one INSERT.
 */
@ApiExcludeController()
@Controller('bench')
export class BenchRoutesController {
  constructor(private readonly dataSource: DataSource) {}

  @Post('bare-insert')
  @HttpCode(201)
  async bareInsert(@Body() body: object) {
    const [row] = await this.dataSource.query<{ id: string }[]>(`INSERT INTO ${BENCH_TABLE} (body) VALUES ($1) RETURNING id::text AS id`, [
      JSON.stringify(body ?? null),
    ]);
    return { id: row.id };
  }

  @Get('bare-select/:id')
  async bareSelect(@Param('id') id: string) {
    if (!ID.test(id)) throw new DomainError('BENCH.BAD_ID', 'id must be a positive whole number', 'invalid', { field: 'id' });
    const [row] = await this.dataSource.query<{ id: string; body: unknown; at: Date }[]>(`SELECT id::text AS id, body, at FROM ${BENCH_TABLE} WHERE id = $1`, [
      id,
    ]);
    if (!row) throw new DomainError('BENCH.NOT_FOUND', `no row ${id}`, 'not-found');
    return row;
  }
}
