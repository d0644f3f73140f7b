import type { Random } from '../random/random.js';
import type { CurrencyInfo } from './currencies.js';
import { convertPrice } from './currencies.js';
import { productNames } from './product-names.js';

/** A product category and the shape of its prices (log-normal around a median, in USD). */
export interface CategorySpec {
  readonly name: string;
  readonly medianUsdCents: number;
  /** Standard deviation of the log price. */
  readonly sigma: number;
  /** Relative share of products and of shopper interest. */
  readonly weight: number;
}

export const DEFAULT_CATEGORIES: readonly CategorySpec[] = Object.freeze([
  { name: 'electronics', medianUsdCents: 14_900, sigma: 0.8, weight: 12 },
  { name: 'fashion', medianUsdCents: 3_900, sigma: 0.6, weight: 14 },
  { name: 'home', medianUsdCents: 4_900, sigma: 0.7, weight: 12 },
  { name: 'books', medianUsdCents: 1_500, sigma: 0.4, weight: 10 },
  { name: 'beauty', medianUsdCents: 2_000, sigma: 0.5, weight: 10 },
  { name: 'grocery', medianUsdCents: 700, sigma: 0.5, weight: 12 },
  { name: 'toys', medianUsdCents: 2_500, sigma: 0.6, weight: 8 },
  { name: 'sports', medianUsdCents: 3_500, sigma: 0.7, weight: 8 },
  { name: 'games', medianUsdCents: 5_000, sigma: 0.5, weight: 8 },
  { name: 'garden', medianUsdCents: 3_000, sigma: 0.6, weight: 6 },
]);

export interface Product {
  /** Position in the catalog, 0-based. */
  readonly index: number;
  readonly id: string;
  readonly category: string;
  readonly categoryIndex: number;
  /** Display name, sent as `product_name`. */
  readonly name: string;
  /** Unit price per currency index of the catalog, in minor units. */
  readonly prices: readonly number[];
  /** Per currency index: the product fields of a view or cart event, pre-rendered. */
  readonly eventJson: readonly string[];
  /** Per currency index: `{…,"quantity":` of an order line, pre-rendered. */
  readonly itemJsonPrefix: readonly string[];
}

/** Picks an index with probability proportional to its weight (binary search on sums). */
export class WeightedPicker {
  private readonly cumulative: Float64Array;

  constructor(weights: readonly number[]) {
    this.cumulative = new Float64Array(weights.length);
    let sum = 0;
    weights.forEach((w, i) => {
      sum += w;
      this.cumulative[i] = sum;
    });
  }

  pick(random: Random): number {
    const c = this.cumulative;
    const x = random.float() * c[c.length - 1]!;
    let lo = 0;
    let hi = c.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (c[mid]! > x) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}

function normal(random: Random): number {
  // Box-Muller; 1 - u keeps the logarithm finite.
  return Math.sqrt(-2 * Math.log(1 - random.float())) * Math.cos(2 * Math.PI * random.float());
}

/**
 * Products with categories and prices in every currency of the run, built once from the
 * seed; a few products sell far more than the rest (popularity ~ 1/rank).
 */
export class Catalog {
  readonly products: readonly Product[];
  readonly categories: readonly CategorySpec[];
  readonly currencies: readonly CurrencyInfo[];
  private readonly categoryPicker: WeightedPicker;
  private readonly byCategory: readonly (readonly Product[])[];
  private readonly pickers: readonly WeightedPicker[];

  constructor(
    random: Random,
    size: number,
    categories: readonly CategorySpec[],
    currencies: readonly CurrencyInfo[],
  ) {
    this.categories = categories;
    this.currencies = currencies;
    this.categoryPicker = new WeightedPicker(categories.map((c) => c.weight));
    const width = String(size).length;
    const drawn: { categoryIndex: number; usd: number }[] = [];
    for (let i = 0; i < size; i++) {
      // Every category gets products before any gets a second share of them.
      const categoryIndex = i < categories.length ? i : this.categoryPicker.pick(random);
      const spec = categories[categoryIndex]!;
      const usd = Math.max(
        99,
        Math.round(spec.medianUsdCents * Math.exp(spec.sigma * normal(random))),
      );
      drawn.push({ categoryIndex, usd });
    }
    // Names come from a stream of their own, drawn after the prices: a seed's catalog
    // keeps the categories and prices it had before products had names.
    const names = productNames(
      random.fork(),
      drawn.map((d) => categories[d.categoryIndex]!.name),
    );
    const products: Product[] = drawn.map(({ categoryIndex, usd }, i) => {
      const spec = categories[categoryIndex]!;
      const id = `p-${String(i + 1).padStart(width, '0')}`;
      const name = names[i]!;
      const prices = currencies.map((c) => convertPrice(usd, c));
      const head =
        `"product_id":"${id}","category":${JSON.stringify(spec.name)},` +
        `"product_name":${JSON.stringify(name)},"price_cents":`;
      return Object.freeze({
        index: i,
        id,
        category: spec.name,
        categoryIndex,
        name,
        prices,
        eventJson: currencies.map((c, k) => `${head}${prices[k]},"currency":"${c.code}"`),
        itemJsonPrefix: prices.map((p) => `{${head}${p},"quantity":`),
      });
    });
    this.products = products;
    this.byCategory = categories.map((_, k) => products.filter((p) => p.categoryIndex === k));
    this.pickers = this.byCategory.map(
      (list) => new WeightedPicker(list.map((_, rank) => 1 / (rank + 3))),
    );
  }

  /** A category index, weighted by shopper interest. */
  pickCategory(random: Random): number {
    return this.categoryPicker.pick(random);
  }

  /** A product of the category, popular ones more often. */
  pickProduct(random: Random, categoryIndex: number): Product {
    const list = this.byCategory[categoryIndex]!;
    return list[this.pickers[categoryIndex]!.pick(random)]!;
  }
}
