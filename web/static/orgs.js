// chiron: type-ahead for the organization fields of the search form.
// Progressive enhancement only: without JavaScript the server resolves the
// name typed (and asks which one when several fit). With it, the field
// suggests registry names as the person types; picking one that is the
// name of exactly one suggestion keeps that organization's id in the
// row's hidden field, so the server need not ask. Ids are never shown.
(function () {
	'use strict';
	var inputs = document.querySelectorAll('input[data-orgs]');
	Array.prototype.forEach.call(inputs, function (input, i) {
		var list = document.createElement('datalist');
		var hidden = input.form && input.form.elements[input.name.replace('aff_org', 'aff_id')];
		var found = [];
		var timer = null;
		list.id = 'orgs-' + i;
		input.setAttribute('list', list.id);
		input.setAttribute('autocomplete', 'off');
		input.parentNode.appendChild(list);
		// The id of the one suggestion whose name is what the field holds.
		function remember() {
			var v = input.value.trim().toLowerCase(), ids = [];
			found.forEach(function (o) {
				if (o.name.toLowerCase() === v) ids.push(o.id);
			});
			if (hidden && hidden.type === 'hidden')
				hidden.value = ids.length === 1 ? ids[0] : '';
		}
		input.addEventListener('input', function () {
			var q = input.value.trim();
			remember();
			clearTimeout(timer);
			if (q.length < 2) return;
			timer = setTimeout(function () {
				fetch('/api/v1/orgs?q=' + encodeURIComponent(q), {credentials: 'same-origin'})
					.then(function (r) { return r.ok ? r.json() : {orgs: []}; })
					.then(function (data) {
						found = data.orgs || [];
						while (list.firstChild) list.removeChild(list.firstChild);
						found.forEach(function (o) {
							var opt = document.createElement('option');
							opt.value = o.name;
							list.appendChild(opt);
						});
						remember();
					})
					.catch(function () {});
			}, 150);
		});
		input.addEventListener('change', remember);
	});
})();
