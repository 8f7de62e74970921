// Verifies recorded outbound webhook deliveries with the npm `standardwebhooks` package, as a
// JavaScript receiver would. argv: a JSON file of [{body, headers}], the secret.
// Prints one JSON line per delivery: {"id", "type", "verified"}; a tampered copy must fail.
import { readFileSync } from "node:fs";
import { Webhook } from "standardwebhooks";

const [file, secret] = process.argv.slice(2);
const verifier = new Webhook(secret);
for (const { body, headers } of JSON.parse(readFileSync(file, "utf8"))) {
  let verified = false;
  let type = null;
  try {
    type = verifier.verify(body, headers).type;
    verified = true;
  } catch (error) {
    type = String(error);
  }
  let tamperedRefused = false;
  try {
    verifier.verify(body.replace(/"type":"/, '"type":"X'), headers);
  } catch {
    tamperedRefused = true;
  }
  console.log(JSON.stringify({ id: headers["webhook-id"], type, verified, tamperedRefused }));
}
