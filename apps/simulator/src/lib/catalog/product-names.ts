import type { Random } from '../random/random.js';

/**
 * Words a shop of each default category would name its products with: a line (brand or
 * style) and a kind of item. A category the simulator does not know gets generic ones.
 */
const WORDS: Readonly<Record<string, readonly [readonly string[], readonly string[]]>> = {
  electronics: [
    ['Aurora', 'Nimbus', 'Vertex', 'Helio', 'Quanta', 'Orbit', 'Pulse', 'Lumen', 'Zephyr', 'Atlas'],
    [
      'Wireless Earbuds',
      '4K Monitor',
      'Smartwatch',
      'Bluetooth Speaker',
      'USB-C Hub',
      'Tablet 10"',
      'Noise-Cancelling Headphones',
      'Action Camera',
      'Mechanical Keyboard',
      'Power Bank',
    ],
  ],
  fashion: [
    [
      'Linen',
      'Merino',
      'Denim',
      'Cotton',
      'Cashmere',
      'Corduroy',
      'Canvas',
      'Suede',
      'Silk',
      'Fleece',
    ],
    [
      'Shirt',
      'Sweater',
      'Jacket',
      'Chinos',
      'Scarf',
      'Sneakers',
      'Dress',
      'Beanie',
      'Tote Bag',
      'Hoodie',
    ],
  ],
  home: [
    [
      'Oak',
      'Ceramic',
      'Walnut',
      'Stoneware',
      'Bamboo',
      'Marble',
      'Copper',
      'Wool',
      'Glass',
      'Rattan',
    ],
    [
      'Table Lamp',
      'Serving Bowl',
      'Throw Blanket',
      'Wall Clock',
      'Cutting Board',
      'Vase',
      'Bath Towel Set',
      'Side Table',
      'Candle Holder',
      'Coffee Mug',
    ],
  ],
  books: [
    [
      'The Quiet',
      'The Last',
      'A Brief History of the',
      'Letters from the',
      'The Hidden',
      'Beyond the',
      'The Lost',
      'Notes on the',
      'The Secret',
      'Under the',
    ],
    [
      'Harbour',
      'Garden',
      'Mountain',
      'Library',
      'River',
      'Orchard',
      'Lighthouse',
      'Island',
      'Archive',
      'Forest',
    ],
  ],
  beauty: [
    [
      'Rose',
      'Aloe',
      'Vitamin C',
      'Lavender',
      'Argan',
      'Green Tea',
      'Shea',
      'Charcoal',
      'Jasmine',
      'Cucumber',
    ],
    [
      'Face Serum',
      'Hand Cream',
      'Lip Balm',
      'Night Cream',
      'Shampoo',
      'Body Lotion',
      'Clay Mask',
      'Eye Gel',
      'Bath Oil',
      'Toner',
    ],
  ],
  grocery: [
    [
      'Organic',
      'Roasted',
      'Wildflower',
      'Sea-Salted',
      'Stone-Ground',
      'Smoked',
      'Sun-Dried',
      'Cold-Pressed',
      'Dark',
      'Spiced',
    ],
    [
      'Coffee Beans',
      'Honey',
      'Almonds',
      'Olive Oil',
      'Pasta',
      'Chocolate',
      'Tomatoes',
      'Granola',
      'Green Tea',
      'Peanut Butter',
    ],
  ],
  toys: [
    [
      'Rocket',
      'Dino',
      'Rainbow',
      'Robo',
      'Jungle',
      'Pirate',
      'Space',
      'Farmyard',
      'Magic',
      'Ocean',
    ],
    [
      'Building Set',
      'Plush',
      'Puzzle',
      'Train Set',
      'Kite',
      'Board Game',
      'Marble Run',
      'Doll House',
      'Race Car',
      'Craft Kit',
    ],
  ],
  sports: [
    ['Trail', 'Summit', 'Sprint', 'Aqua', 'Peak', 'Core', 'Ridge', 'Velo', 'Stride', 'Apex'],
    [
      'Running Shoes',
      'Yoga Mat',
      'Water Bottle',
      'Cycling Gloves',
      'Dumbbell Set',
      'Daypack',
      'Tennis Racket',
      'Swim Goggles',
      'Jump Rope',
      'Hiking Poles',
    ],
  ],
  games: [
    [
      'Starfall',
      'Iron Crown',
      'Neon Drift',
      'Shadow Realm',
      'Tiny Kingdoms',
      'Deep Space',
      'Kart Legends',
      'Puzzle Quest',
      'Dragon Vale',
      'Pixel Harbor',
    ],
    [
      '(PC)',
      '(Console)',
      'Deluxe Edition',
      'Board Game',
      'Card Game',
      'Collector\u2019s Edition',
      'Expansion Pack',
      'Party Edition',
      'Starter Set',
      'Season Pass',
    ],
  ],
  garden: [
    [
      'Terracotta',
      'Galvanised',
      'Cedar',
      'Solar',
      'Heirloom',
      'Stainless',
      'Willow',
      'Self-Watering',
      'Folding',
      'Copper',
    ],
    [
      'Planter',
      'Watering Can',
      'Raised Bed',
      'Garden Lights',
      'Tomato Seeds',
      'Pruning Shears',
      'Bird Feeder',
      'Hose Reel',
      'Compost Bin',
      'Trowel',
    ],
  ],
};

const GENERIC: readonly [readonly string[], readonly string[]] = [
  [
    'Classic',
    'Essential',
    'Premium',
    'Everyday',
    'Compact',
    'Deluxe',
    'Studio',
    'Travel',
    'Signature',
    'Original',
  ],
  ['Item', 'Set', 'Kit', 'Pack', 'Bundle', 'Edition', 'Model', 'Collection', 'Series', 'Box'],
];

/**
 * A plausible display name for each product, from the words of its category, drawn with
 * `random` (so a seed always names its catalog the same way) and distinct within the
 * catalog: once a category's pairs of words are used up, a number tells products apart.
 */
export function productNames(random: Random, categories: readonly string[]): string[] {
  const pools = new Map<string, { names: string[]; next: number }>();
  return categories.map((category) => {
    let pool = pools.get(category);
    if (pool === undefined) {
      const [lines, kinds] = WORDS[category] ?? GENERIC;
      const names = lines.flatMap((line) => kinds.map((kind) => `${line} ${kind}`));
      for (let i = names.length - 1; i > 0; i--) {
        const j = random.int(i + 1);
        [names[i], names[j]] = [names[j]!, names[i]!];
      }
      pool = { names, next: 0 };
      pools.set(category, pool);
    }
    const round = Math.floor(pool.next / pool.names.length);
    const name = pool.names[pool.next % pool.names.length]!;
    pool.next++;
    return round === 0 ? name : `${name} ${round + 1}`;
  });
}
