// The SQL injection judge on single values: sqlmap's families fire, prose with quotes and SQL words does not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { judgeSqli } from '../../../src/logs/detect/attacks/sqli/judge.js';

const ATTACKS: [string, string][] = [
  ["1234 OR 1=1", 'sqli-boolean'],
  ["-1839' or '1'='1", 'sqli-boolean'],
  ["' OR ''='", 'sqli-boolean'], // empty-string tautology
  ["EmptyValue' and 526=527", 'sqli-boolean'],
  ["1 AND 5140=5140", 'sqli-boolean'],
  ["1' AND ASCII(SUBSTRING((SELECT password FROM users LIMIT 1),1,1))>64--", 'sqli-function-probe'],
  ["1 RLIKE (SELECT (CASE WHEN (123=123) THEN 1 ELSE 0x28 END))", 'sqli-boolean'],
  ["foo') UNION ALL select NULL --", 'sqli-union-select'],
  ["-1 UNION ALL SELECT NULL,NULL,version()--", 'sqli-union-select'],
  ["1' ORDER BY 3--+", 'sqli-order-by'],
  ["1;DROP TABLE users", 'sqli-stacked-query'],
  ["x';exec master..xp_cmdshell 'ping 127.0.0.1'--", 'sqli-stacked-query'],
  ["sleep(5)", 'sqli-time-delay'],
  ["1 AND BENCHMARK(5000000,MD5(1))", 'sqli-time-delay'],
  ["1;SELECT pg_sleep(5)", 'sqli-stacked-query'],
  ["'; WAITFOR DELAY '0:0:5'--", 'sqli-stacked-query'],
  ["1' WAITFOR DELAY '0:0:5'--", 'sqli-time-delay'],
  ["CHR(65)||CHR(66)", 'sqli-concatenation'],
  ["x'||(select extractvalue(xmltype('<x/>'),'/l'))||'", 'sqli-function-probe'],
  ["admin'--", 'sqli-comment-terminator'],
  ["admin'#", 'sqli-comment-terminator'],
  ["a'or'a", 'sqli-boolean'],
  ["1 and 1=(select count(*) from information_schema.tables)", 'sqli-schema-probe'],
  ["0/**/union/*!50000select*/table_name", 'sqli-inline-comment'],
  ["'{\"b\":2}'::jsonb <@ '{\"a\":1}'::jsonb", 'sqli-function-probe'],
];

const PROSE = [
  "O'Brien", "Conan O'Brien", 'select a plan or upgrade', 'union select committee', 'how to sleep 8 hours', "rock 'n' roll or jazz",
  '1 and 2 are numbers', 'terms & conditions (2024)', '2104 GRANT AVE #A', 'cos(x)+sin(y)', "It's a dog's life", "Tom's or Jerry's",
  'true or false', 'cats and dogs = love', 'price >= 10 and price <= 20', "Name eq 'O''Brien' and Price gt 10", 'C++ tips',
  '"select" or "union"', 'std::vector<int>', 'order by price', "I can't; sorry", "don't -- really", '#hashtag', 'user@example.com',
  "Let's meet at 5 or 6", '5\' 11" tall', 'Dwayne "The Rock" Johnson', 'create table wooden', 'time.sleep(5) in python',
  "BAMBOO CHARCOAL SOAP 1 '#", '7" #2 CIRCULAR NEEDLE', 'DRESS WITH HAT 18\';', "select 'and'", 'is this your parents\' or yours?',
];

for (const [value, rule] of ATTACKS) {
  test(`sqli: ${JSON.stringify(value)} is ${rule}`, () => assert.equal(judgeSqli(value), rule));
}

test('sqli: prose with quotes and SQL words is not injection', () => {
  assert.deepEqual(PROSE.filter((v) => judgeSqli(v) !== null).map((v) => `${v} -> ${judgeSqli(v)}`), []);
});
