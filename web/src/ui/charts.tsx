import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis, Bar, BarChart } from 'recharts';

/**
 * The charts, in a chunk of their own (loaded by Chart.tsx when a screen shows one), so the first
 * page does not carry the charting library.
 */
export interface Series {
  readonly key: string;
  readonly label: string;
  readonly color: string;
}

export interface ChartProps {
  readonly kind: 'line' | 'bar';
  /** How values read on the axis, in the tooltip and in the table (Chart passes Swedish or English number format). */
  readonly formatValue?: (value: number) => string;
  readonly data: readonly Record<string, string | number | null>[];
  readonly x: string;
  readonly series: readonly Series[];
  readonly height?: number;
}

export default function ChartView({ kind, data, x, series, height = 260, formatValue = String }: ChartProps) {
  const rows = data as Record<string, string | number | null>[];
  const tooltipValue = (value: unknown) => (typeof value === 'number' ? formatValue(value) : String(value));
  return (
    <ResponsiveContainer width="100%" height={height}>
      {kind === 'line' ? (
        <LineChart data={rows} margin={{ top: 8, right: 16, bottom: 8, left: 8 }}>
          <CartesianGrid stroke="#d0d4d9" strokeDasharray="3 3" />
          <XAxis dataKey={x} stroke="#333" />
          <YAxis stroke="#333" tickFormatter={formatValue} width={72} />
          <Tooltip formatter={tooltipValue} />
          <Legend />
          {series.map((s) => (
            <Line key={s.key} type="monotone" dataKey={s.key} name={s.label} stroke={s.color} strokeWidth={2} dot connectNulls isAnimationActive={false} />
          ))}
        </LineChart>
      ) : (
        <BarChart data={rows} margin={{ top: 8, right: 16, bottom: 8, left: 8 }}>
          <CartesianGrid stroke="#d0d4d9" strokeDasharray="3 3" />
          <XAxis dataKey={x} stroke="#333" />
          <YAxis stroke="#333" tickFormatter={formatValue} width={72} />
          <Tooltip formatter={tooltipValue} />
          <Legend />
          {series.map((s) => (
            <Bar key={s.key} dataKey={s.key} name={s.label} fill={s.color} isAnimationActive={false} />
          ))}
        </BarChart>
      )}
    </ResponsiveContainer>
  );
}
