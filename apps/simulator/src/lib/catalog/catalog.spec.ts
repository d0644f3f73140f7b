import { Random } from '../random/random.js';
import { Catalog, DEFAULT_CATEGORIES } from './catalog.js';
import { currencyInfo } from './currencies.js';
import { productNames } from './product-names.js';

const currencies = [currencyInfo('USD'), currencyInfo('EUR')];
const catalog = (seed: number, size = 500) =>
  new Catalog(new Random(seed), size, DEFAULT_CATEGORIES, currencies);

describe('product names', () => {
  it('name every product of the catalog, distinctly, in words of its category', () => {
    const { products } = catalog(7);
    expect(new Set(products.map((p) => p.name)).size).toBe(products.length);
    const books = products.filter((p) => p.category === 'books').map((p) => p.name);
    expect(books.length).toBeGreaterThan(0);
    for (const name of books)
      expect(name).toMatch(
        /^(The|A Brief History of the|Letters from the|Notes on the|Beyond the|Under the) /,
      );
    const electronics = products.find((p) => p.category === 'electronics')!;
    expect(electronics.name).toMatch(
      /Earbuds|Monitor|Smartwatch|Speaker|Hub|Tablet|Headphones|Camera|Keyboard|Power Bank/,
    );
  });

  it('are the same for a seed and differ for another, and leave prices as they were', () => {
    expect(catalog(7).products.map((p) => p.name)).toEqual(catalog(7).products.map((p) => p.name));
    expect(catalog(8).products.map((p) => p.name)).not.toEqual(
      catalog(7).products.map((p) => p.name),
    );
    // The names' draws come after the prices': seed 9's catalog as it was before names.
    const { products } = catalog(9);
    expect(
      [products[0], products[123], products[499]].map((p) => [p!.id, p!.category, p!.prices]),
    ).toEqual([
      ['p-001', 'electronics', [28499, 26199]],
      ['p-124', 'grocery', [599, 499]],
      ['p-500', 'electronics', [5299, 4899]],
    ]);
  });

  it('are sent as product_name with every product field and order line', () => {
    const p = catalog(7).products[0]!;
    expect(JSON.parse(`{${p.eventJson[0]!}}`)).toMatchObject({
      product_id: p.id,
      category: p.category,
      product_name: p.name,
    });
    expect(JSON.parse(`${p.itemJsonPrefix[1]!}2}`)).toMatchObject({
      product_name: p.name,
      quantity: 2,
    });
  });

  it('number the products once a category has used every pair of its words', () => {
    const names = productNames(
      new Random(1),
      Array.from({ length: 101 }, () => 'toys'),
    );
    expect(new Set(names).size).toBe(101);
    expect(names.at(-1)).toMatch(/ 2$/);
    expect(productNames(new Random(1), ['unknown-category'])[0]).toMatch(/^\S+ \S+$/);
  });
});
