// Prints, as JSON, the attempts each pinned npm SDK makes by default (the first attempt included), read from the
// installed packages (tests/test_npm_packages.py compares them with the packs). Run from the pins' folder.
const fs = require("fs");
const path = require("path");

function constant(pkg, file, pattern) {
  const text = fs.readFileSync(path.join("node_modules", pkg, file), "utf8");
  return Number(pattern.exec(text)[1]);
}

(async () => {
  const out = {};
  const OpenAI = require("openai");
  out.openai = new OpenAI({ apiKey: "k" }).maxRetries + 1;
  out["@anthropic-ai/sdk"] = new (require("@anthropic-ai/sdk"))({ apiKey: "k" }).maxRetries + 1;
  out["groq-sdk"] = new (require("groq-sdk"))({ apiKey: "k" }).maxRetries + 1;
  out["cohere-ai"] = constant("cohere-ai", "core/fetcher/requestWithRetries.js", /DEFAULT_MAX_RETRIES = (\d+)/) + 1;
  out.stripe = new (require("stripe"))("sk_test_x").getMaxNetworkRetries() + 1;
  out["stripe@12"] = new (require("stripe-v12"))("sk_test_x", { apiVersion: "2022-11-15" }).getMaxNetworkRetries() + 1;
  out["stripe@16"] = new (require("stripe-v16"))("sk_test_x").getMaxNetworkRetries() + 1;
  const { Mistral } = require("@mistralai/mistralai");
  out["@mistralai/mistralai"] = new Mistral({ apiKey: "k" })._options.retryConfig === undefined ? 1 : -1;
  const { GoogleGenAI } = require("@google/genai");
  out["@google/genai"] = new GoogleGenAI({ apiKey: "k" }).apiClient.clientOptions.httpOptions?.retryOptions === undefined ? 1 : -1;
  out["@slack/web-api"] = new (require("@slack/web-api").WebClient)("t").retryConfig.retries + 1;
  out["@octokit/rest"] = constant("@octokit/plugin-retry", "dist-bundle/index.js", /\n\s+retries: (\d+)\n/) + 1;
  const v3 = require("openai-v3");
  out["openai@3"] = typeof v3.OpenAIApi === "function" && typeof v3.Configuration === "function" && !("OpenAI" in v3) ? 1 : -1;
  const clients = {
    "@aws-sdk/client-s3": "S3Client", "@aws-sdk/client-dynamodb": "DynamoDBClient", "@aws-sdk/client-sqs": "SQSClient",
    "@aws-sdk/client-sns": "SNSClient", "@aws-sdk/client-ses": "SESClient", "@aws-sdk/client-lambda": "LambdaClient",
    "@aws-sdk/client-bedrock-runtime": "BedrockRuntimeClient", "@aws-sdk/client-secrets-manager": "SecretsManagerClient",
  };
  for (const [pkg, cls] of Object.entries(clients)) {
    out[pkg] = await new (require(pkg)[cls])({ region: "us-east-1" }).config.maxAttempts();
  }
  process.stdout.write(JSON.stringify(out));
})().catch((e) => { console.error(e); process.exit(1); });
