/** The SeriesReader behind each kind of PointSource, chosen once when a series is defined. */
import type { PointSource } from '../registry/types';
import { generatedReader } from './generated';
import { storedReader } from './stored';
import type { SeriesReader } from './types';

export function pointReader(source: PointSource): SeriesReader {
  switch (source.kind) {
    case 'stored':
      return storedReader(source.columns);
    case 'generated':
      return generatedReader(source.generator);
    case 'reader':
      return source.reader;
  }
}
