/** The labels the plots and the CLI show, in English and in the lecture's Swedish. */

/** A language the project speaks. */
export type Language = 'en' | 'sv';

/** Every label, by language. */
export const LABELS = {
  en: {
    f: 'f',
    alpha: 'alpha',
    x: 'x',
    alphaTitle: 'f and the network alpha on [-4, 4]',
    training: 'Training error',
    validation: 'Validation error',
    epoch: 'Epoch',
    mse: 'Mean squared error',
    lossTitle: 'Training and validation error per epoch',
  },
  sv: {
    f: 'f',
    alpha: 'alfa',
    x: 'x',
    alphaTitle: 'f och nätverket alfa på [-4, 4]',
    training: 'Träningsfelet',
    validation: 'Generaliseringsfelet',
    epoch: 'Epok',
    mse: 'Medelkvadratfel',
    lossTitle: 'Träningsfelet och generaliseringsfelet per epok',
  },
} as const satisfies Record<Language, Record<string, string>>;

/** The labels of one language. */
export type Labels = (typeof LABELS)[Language];
