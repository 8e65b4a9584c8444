-- wrk script: POSTs one AdmissionReview (the file named by WRK_BODY) to the URL's path and checks every answer: a right
-- answer is HTTP 200 whose body contains WRK_EXPECT. done() prints one line that bench/scripts/throughput-wrk.sh reads.
local file = assert(io.open(os.getenv("WRK_BODY"), "rb"))
wrk.method = "POST"
wrk.body = file:read("*a")
file:close()
wrk.headers["Content-Type"] = "application/json"
local expect = assert(os.getenv("WRK_EXPECT"), "WRK_EXPECT is not set")

local threads = {}
function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  answers, wrong = 0, 0
end

function response(status, headers, body)
  answers = answers + 1
  if status ~= 200 or not string.find(body, expect, 1, true) then
    wrong = wrong + 1
  end
end

function done(summary, latency, requests)
  local answered, wrongs = 0, 0
  for _, thread in ipairs(threads) do
    answered = answered + thread:get("answers")
    wrongs = wrongs + thread:get("wrong")
  end
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status + summary.errors.timeout
  io.write(string.format("wrk answers=%d wrong=%d errors=%d seconds=%.3f p50_us=%d p99_us=%d\n", answered, wrongs, errors,
    summary.duration / 1e6, latency:percentile(50), latency:percentile(99)))
end
