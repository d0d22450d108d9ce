/* Draws the dashboard's letters-per-day chart with chart.js from the JSON block; the table stays as the accessible fallback. */
(function () {
  'use strict';
  var data = document.getElementById('letters-per-day-data');
  var canvas = document.getElementById('letters-per-day-chart');
  if (!data || !canvas || typeof Chart === 'undefined') return;
  var days = JSON.parse(data.textContent || '[]');
  var chart = new Chart(canvas, {
    type: 'bar',
    data: {
      labels: days.map(function (day) { return day.date; }),
      datasets: [{ label: 'Letters sent', data: days.map(function (day) { return day.sent; }), backgroundColor: '#0a4f8f' }],
    },
    options: { animation: false, responsive: true, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
  });
  canvas.setAttribute('data-rendered', String(chart.data.datasets[0].data.length));
})();
