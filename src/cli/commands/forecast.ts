import * as path from 'node:path';
import type { CliCommand } from '../command';
import { flagString, parseArgs } from '../args';
import { EXIT_FINDING, EXIT_OK } from '../io';
import { parseSeriesCsv } from '../../core/analyzers/csvSeries';
import { DEFAULT_ANALYZER_SETTINGS } from '../../core/analyzers/settings';
import { forecastSeries } from '../../core/analyzers/trends';
import { UserError, fileErrorReason } from '../../core/util/result';
import { formatShare, plural } from '../../shared/format';
import { readUserFile } from '../../core/util/userFile';

const USAGE = `Usage: perflens forecast --input FILE.csv [--days 30] [--time-column NAME|N] [--value-column NAME|N] [--confidence 0.95] [--json]

Fits a least-squares line to a time series and projects it --days ahead with a prediction interval.
The CSV has a time column (seconds, or ISO-8601 such as 2026-01-31T12:00:00Z; dates without an
offset are UTC) and a value column; a header row is optional. Without --time-column the column named
time/timestamp/ts/date (else the first) is time; without --value-column the column named value
(else the first numeric one) is the value. A column is given by its header name or its number,
counting from 1.

Recommendation (the capacity rule on growth over the horizon): above 10% "Consider horizontal
scaling", above 5% "Monitor closely", otherwise "Current capacity appears sufficient"; a slope that
is not significant (|t| < 2) counts as no growth.

Exit codes: 0 ok, 1 the forecast recommends scaling out, 2 bad usage or an unreadable file.
--json prints {input, timeColumn, valueColumn, timeFormat, n, slope (per second), intercept (value at
time 0 of the time axis: epoch seconds for dates), r2, slopeStdErr, residualSd, significant,
direction, current: {time, value}, projection: {days, time, value, lower, upper, confidence},
growth, recommendation}; times are in the input's format (seconds or ISO-8601).`;

export const forecastCommand: CliCommand = {
  path: ['forecast'],
  summary: 'Project a CSV time series N days ahead (least squares, prediction interval)',
  usage: USAGE,
  async run(argv, io) {
    const args = parseArgs(argv, {
      valued: ['input', 'days', 'time-column', 'value-column', 'confidence'],
      boolean: [],
    });
    const input = flagString(args, 'input') ?? args.positionals[0];
    if (!input) throw new UserError('forecast needs --input FILE.csv');
    const daysText = flagString(args, 'days') ?? String(DEFAULT_ANALYZER_SETTINGS.trend.forecastDays);
    const days = Number(daysText);
    if (!/^\d+(\.\d+)?$/.test(daysText) || !(days > 0))
      throw new UserError(`--days must be a positive number of days, not "${daysText}".`);
    const confidenceText = flagString(args, 'confidence') ?? '0.95';
    const confidence = Number(confidenceText);
    if (!(confidence > 0 && confidence < 1))
      throw new UserError(`--confidence must be between 0 and 1 (e.g. 0.95), not "${confidenceText}".`);
    const file = path.resolve(io.cwd, input);
    let text: string;
    try {
      text = (await readUserFile(file, { maxBytes: 256 * 1024 * 1024, what: 'CSV file' })).bytes.toString('utf8');
    } catch (e) {
      throw new UserError(`Cannot read ${input}: ${fileErrorReason(e)}.`);
    }
    const csv = parseSeriesCsv(text, {
      timeColumn: flagString(args, 'time-column'),
      valueColumn: flagString(args, 'value-column'),
    });
    if (!csv.ok) throw new UserError(`${input}: ${csv.error.message}`);
    const series = csv.value;
    const fc = forecastSeries(series.points, days, { confidence });
    if (!fc)
      throw new UserError(
        `${input}: a forecast needs at least two rows at different times (found ${series.points.length}).`,
      );
    const time = (ms: number) => (series.timeFormat === 'iso8601' ? new Date(ms).toISOString() : ms / 1000);
    const out = {
      input,
      timeColumn: series.timeColumn,
      valueColumn: series.valueColumn,
      timeFormat: series.timeFormat,
      n: fc.n,
      slope: fc.slope,
      intercept: fc.intercept,
      r2: fc.r2,
      slopeStdErr: fc.slopeStdErr,
      residualSd: fc.residualSd,
      significant: fc.significant,
      direction: fc.direction,
      current: { time: time(fc.current.atMs), value: fc.current.value },
      projection: {
        days,
        time: time(fc.projection.atMs),
        value: fc.projection.value,
        lower: fc.projection.lower,
        upper: fc.projection.upper,
        confidence,
      },
      growth: fc.growth,
      recommendation: fc.recommendation,
      ...(series.skippedRows ? { skippedRows: series.skippedRows } : {}),
    };
    const scaleOut = fc.significant && fc.growth > DEFAULT_ANALYZER_SETTINGS.trend.scaleOutGrowth;
    if (args.flags.has('json')) {
      io.out(JSON.stringify(out, null, 2));
      return scaleOut ? EXIT_FINDING : EXIT_OK;
    }
    const g = (x: number) =>
      Math.abs(x) >= 1e5 || (Math.abs(x) < 1e-3 && x !== 0) ? x.toExponential(4) : x.toFixed(4);
    io.out(
      [
        `${series.valueColumn} over ${series.timeColumn}: ${fc.n} points`,
        `  slope ${g(fc.slope)} per second (${g(fc.slope * 86_400)} per day), R² ${fc.r2.toFixed(4)}${fc.significant ? '' : ' (not significant)'}`,
        `  now (${time(fc.current.atMs)}): ${g(fc.current.value)}`,
        `  in ${plural(days, 'day')} (${time(fc.projection.atMs)}): ${g(fc.projection.value)}  [${Math.round(confidence * 100)}% prediction interval ${g(fc.projection.lower)} … ${g(fc.projection.upper)}]`,
        `  growth ${formatShare(fc.growth)}: ${fc.recommendation}`,
      ].join('\n'),
    );
    return scaleOut ? EXIT_FINDING : EXIT_OK;
  },
};
