import { toCsv } from './to-csv.js';

describe('toCsv', () => {
  it('writes a header and quotes what needs quoting', () => {
    expect(
      toCsv(
        [
          { day: '2026-03-02', category: 'home, garden', users: 3, aov: null },
          { day: '2026-03-03', category: 'say "hi"', users: 0, aov: 12 },
        ],
        ['day', 'category', 'users', 'aov'],
      ),
    ).toBe(
      'day,category,users,aov\r\n2026-03-02,"home, garden",3,\r\n2026-03-03,"say ""hi""",0,12\r\n',
    );
  });

  it('spreads a per-currency object over one column per currency', () => {
    expect(
      toCsv(
        [
          { product_id: 'p1', revenue_cents: { USD: 500 } },
          { product_id: 'p2', revenue_cents: { EUR: 7, USD: 1 } },
        ],
        ['product_id', 'revenue_cents'],
      ),
    ).toBe('product_id,revenue_cents_EUR,revenue_cents_USD\r\np1,0,500\r\np2,7,1\r\n');
  });

  it.each([
    ['=HYPERLINK("http://evil.example","x")', '"\'=HYPERLINK(""http://evil.example"",""x"")"'],
    ['+1+cmd|calc', '"\'+1+cmd|calc"'],
    ['-2+3', '"\'-2+3"'],
    ['@SUM(A1)', '"\'@SUM(A1)"'],
    ['\t=1', '"\'\t=1"'],
    ['\r=1', '"\'\r=1"'],
  ])('neutralises a text cell that starts like a formula: %j', (category, written) => {
    expect(
      toCsv([{ category, net_cents: -250, units: 3 }], ['category', 'net_cents', 'units']),
    ).toBe(`category,net_cents,units\r\n${written},-250,3\r\n`);
  });

  it('leaves numbers, negative ones included, and ordinary text as they were', () => {
    expect(
      toCsv(
        [{ day: '2026-03-02', category: 'garden', net_cents: -1200, aov: 0, note: 'a-b' }],
        ['day', 'category', 'net_cents', 'aov', 'note'],
      ),
    ).toBe('day,category,net_cents,aov,note\r\n2026-03-02,garden,-1200,0,a-b\r\n');
    expect(
      toCsv([{ product_id: 'p1', revenue_cents: { EUR: -7 } }], ['product_id', 'revenue_cents']),
    ).toBe('product_id,revenue_cents_EUR\r\np1,-7\r\n');
  });

  it('writes only the header for no rows', () => {
    expect(toCsv([], ['day', 'users'])).toBe('day,users\r\n');
  });
});
