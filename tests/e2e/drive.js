// Drives the running web service with Bespoken's virtual-alexa, as a device would.
// Usage: node drive.js <skill URL> <interaction model file> <utterance>...
// "launch" opens the skill; any other argument is spoken. Prints one JSON array:
// [{said, status, ssml, endSession}] (status "refused" with the error when the HTTP call fails).
"use strict";
const va = require("virtual-alexa");

async function main() {
  const [url, model, ...turns] = process.argv.slice(2);
  const alexa = va.VirtualAlexa.Builder()
    .skillURL(url)
    .interactionModelFile(model)
    .locale("en-US")
    .create();
  const transcript = [];
  for (const said of turns) {
    try {
      const reply = said === "launch" ? await alexa.launch() : await alexa.utter(said);
      const response = reply.response || {};
      transcript.push({
        said,
        status: "ok",
        ssml: (response.outputSpeech || {}).ssml || (response.outputSpeech || {}).text || "",
        endSession: response.shouldEndSession === true,
      });
    } catch (error) {
      transcript.push({ said, status: "refused", error: String(error) });
      break;
    }
  }
  process.stdout.write(JSON.stringify(transcript) + "\n");
}

main().catch((error) => {
  process.stderr.write(String(error && error.stack || error) + "\n");
  process.exit(1);
});
