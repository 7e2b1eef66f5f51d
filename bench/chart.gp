# gnuplot script for report.sh: the main rows' cost ratios to limit, one
# group of bars per workload, log scale. Variables: datafile, outfile, subtitle.
set terminal pngcairo size 1000,560 font ',10' noenhanced
set output outfile
set title sprintf("Cost relative to limit (= 1, dashed); lower is better; 'hot' = contended\n%s", subtitle)
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set logscale y 2
set yrange [0.125:*]
set ytics ('1/8' 0.125, '1/4' 0.25, '1/2' 0.5, '1' 1, '2' 2, '4' 4, '8' 8, '16' 16, '32' 32)
set ylabel 'ratio to limit (time, or limit tps / tps)'
set grid ytics
set key top left
set xtics nomirror
set datafile separator '\t'
set arrow from graph 0, first 1 to graph 1, first 1 nohead dt 2 lw 1.5 lc rgb '#444444'
plot datafile using 2:xtic(1) title 'none', \
     '' using 3 title 'plrow', \
     '' using 4 title 'plstmt', \
     '' using 5 title 'denorm'
