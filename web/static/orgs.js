// chiron: type-ahead for the organization fields of the search form.
// Progressive enhancement only: without JavaScript the fields take an id.
(function () {
	'use strict';
	var inputs = document.querySelectorAll('input[name^="aff_org"], input[data-orgs]');
	Array.prototype.forEach.call(inputs, function (input, i) {
		var list = document.createElement('datalist');
		var timer = null;
		list.id = 'orgs-' + i;
		input.setAttribute('list', list.id);
		input.setAttribute('autocomplete', 'off');
		input.parentNode.appendChild(list);
		input.addEventListener('input', function () {
			var q = input.value.trim();
			clearTimeout(timer);
			if (q.length < 2 || /^org-/.test(q)) return;
			timer = setTimeout(function () {
				fetch('/api/v1/orgs?q=' + encodeURIComponent(q), {credentials: 'same-origin'})
					.then(function (r) { return r.ok ? r.json() : {orgs: []}; })
					.then(function (data) {
						while (list.firstChild) list.removeChild(list.firstChild);
						data.orgs.forEach(function (o) {
							var opt = document.createElement('option');
							opt.value = o.id;
							opt.label = o.name;
							opt.textContent = o.name;
							list.appendChild(opt);
						});
					})
					.catch(function () {});
			}, 150);
		});
	});
})();
