import { DEVICES } from '@shoplens/schemas';
import { WeightedPicker } from '../catalog/catalog.js';
import type { CurrencyInfo } from '../catalog/currencies.js';
import type { Random } from '../random/random.js';
import type { Shopper } from './sim-event.js';

const DEVICE_WEIGHTS = [45, 45, 10];
/** Shares of shoppers whose client sends `device`, and `country`. */
const DEVICE_SHARE = 0.9;
const COUNTRY_SHARE = 0.85;

/**
 * The shopper population. Who shops next is skewed (a few regulars, a long tail), so the
 * same user_ids come back across sessions and days. Profiles are drawn on first visit.
 */
export class Shoppers {
  private readonly profiles: (Shopper | undefined)[];
  private readonly currencyPicker: WeightedPicker;
  private readonly devicePicker = new WeightedPicker(DEVICE_WEIGHTS);

  constructor(
    private readonly random: Random,
    readonly size: number,
    private readonly currencies: readonly CurrencyInfo[],
    currencyWeights: readonly number[],
  ) {
    this.profiles = new Array<Shopper | undefined>(size);
    this.currencyPicker = new WeightedPicker(currencyWeights);
  }

  /** The shopper of the next session. */
  next(): Shopper {
    const u = this.random.float();
    return this.get(Math.floor(u * u * this.size));
  }

  private get(index: number): Shopper {
    let shopper = this.profiles[index];
    if (shopper === undefined) {
      const r = this.random;
      const currencyIndex = this.currencyPicker.pick(r);
      const countries = this.currencies[currencyIndex]!.countries;
      let optionalJson = '';
      if (r.chance(DEVICE_SHARE))
        optionalJson += `,"device":"${DEVICES[this.devicePicker.pick(r)]}"`;
      if (countries.length > 0 && r.chance(COUNTRY_SHARE))
        optionalJson += `,"country":"${r.pick(countries)}"`;
      shopper = Object.freeze({ index, id: `u-${index + 1}`, currencyIndex, optionalJson });
      this.profiles[index] = shopper;
    }
    return shopper;
  }
}
