// An idle app: a timer and nothing else (what a quiet service looks like to its supervisor).
setInterval(() => {}, 1000);
