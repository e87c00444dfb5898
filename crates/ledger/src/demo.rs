// demo district generator (filled below)
